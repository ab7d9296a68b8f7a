using Npgsql;

namespace Chat.Worker.Push;

/// <summary>
/// Reads how much push work waits, for <see cref="PushMetrics"/>' outbox gauges: the pending entries and the age of
/// the oldest. A backlog that grows, or an oldest entry that ages, is the push path falling behind or stuck.
/// </summary>
public sealed partial class PushOutboxBacklog(NpgsqlDataSource dataSource, PushMetrics metrics, TimeProvider time, ILogger<PushOutboxBacklog> logger)
    : BackgroundService
{
    /// <summary>Often enough for an alert, rarely enough to cost nothing: the partial index holds only pending rows.</summary>
    public static readonly TimeSpan ReadInterval = TimeSpan.FromSeconds(10);

    private const string BacklogSql = "SELECT count(*), min(created_at) FROM push_outbox WHERE processed_at IS NULL";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ReadInterval, time);
        do
        {
            try
            {
                await using var command = dataSource.CreateCommand(BacklogSql);
                await using var reader = await command.ExecuteReaderAsync(stoppingToken);
                await reader.ReadAsync(stoppingToken);
                metrics.Backlog(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogUnread(e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not read the push outbox's backlog: {Problem}")]
    private partial void LogUnread(string problem);
}
