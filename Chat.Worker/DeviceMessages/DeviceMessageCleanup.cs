using Microsoft.Extensions.Options;
using Npgsql;

namespace Chat.Worker.DeviceMessages;

/// <summary>
/// Deletes envelopes no device acknowledged within the retention, and the record of sends as old: a device that
/// never comes back would otherwise hold its envelopes for ever. Runs at start, then periodically, in batches.
/// </summary>
public sealed partial class DeviceMessageCleanup(
    NpgsqlDataSource dataSource, IOptions<DeviceMessageRetentionOptions> options, TimeProvider time, ILogger<DeviceMessageCleanup> logger) : BackgroundService
{
    private const string DeleteEnvelopesSql = """
        DELETE FROM device_messages WHERE (recipient_device_id, seq) IN (
            SELECT recipient_device_id, seq FROM device_messages WHERE sent_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)
        """;

    private const string DeleteSendsSql = """
        DELETE FROM device_message_sends WHERE (sender_device_id, client_message_id) IN (
            SELECT sender_device_id, client_message_id FROM device_message_sends WHERE sent_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED)
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var deleted = await CleanUpAsync(time.GetUtcNow() - options.Value.Retention, stoppingToken);
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

    /// <returns>How many envelopes were deleted.</returns>
    public async Task<long> CleanUpAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var envelopes = await BatchedDelete.RunAsync(dataSource, DeleteEnvelopesSql, cutoff, cancellationToken);
        await BatchedDelete.RunAsync(dataSource, DeleteSendsSql, cutoff, cancellationToken);
        return envelopes;
    }

    [LoggerMessage(1, LogLevel.Information, "Deleted {Count} device messages no device acknowledged within the retention")]
    private partial void LogDeleted(long count);

    [LoggerMessage(2, LogLevel.Warning, "Device message clean-up failed; it runs again later")]
    private partial void LogFailed(Exception exception);
}
