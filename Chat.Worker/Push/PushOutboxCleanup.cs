using Microsoft.Extensions.Options;
using Npgsql;

namespace Chat.Worker.Push;

/// <summary>
/// Deletes outbox entries processed longer ago than the retention, with their delivery records: every message
/// writes an entry, so without this the table grows with the message history. Runs at start, then periodically,
/// in batches so that no statement holds many locks; several workers running it at once only share the work.
/// </summary>
public sealed partial class PushOutboxCleanup(
    NpgsqlDataSource dataSource, IOptions<PushOptions> options, TimeProvider time, ILogger<PushOutboxCleanup> logger) : BackgroundService
{
    private const string DeleteSql = """
        WITH doomed AS (SELECT id FROM push_outbox WHERE processed_at < @cutoff ORDER BY id LIMIT @batch FOR UPDATE SKIP LOCKED),
             deliveries AS (DELETE FROM push_deliveries WHERE outbox_id IN (SELECT id FROM doomed))
        DELETE FROM push_outbox WHERE id IN (SELECT id FROM doomed)
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var deleted = await CleanUpAsync(stoppingToken);
                if (deleted > 0)
                {
                    LogDeleted(deleted);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }

            await Task.Delay(options.Value.CleanupInterval, time, stoppingToken);
        }
    }

    private Task<long> CleanUpAsync(CancellationToken cancellationToken) =>
        BatchedDelete.RunAsync(dataSource, DeleteSql, time.GetUtcNow() - options.Value.RetainProcessedFor, cancellationToken);

    [LoggerMessage(1, LogLevel.Information, "Deleted {Count} push outbox entries processed before the retention")]
    private partial void LogDeleted(long count);

    [LoggerMessage(2, LogLevel.Warning, "Push outbox clean-up failed; it runs again later")]
    private partial void LogFailed(Exception exception);
}
