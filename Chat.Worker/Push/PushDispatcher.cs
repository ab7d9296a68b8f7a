using System.Diagnostics;
using Chat.Data;
using Chat.Data.Push;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Chat.Worker.Push;

/// <summary>
/// Drains the push outbox. A batch of entries is locked with FOR UPDATE SKIP LOCKED, so workers share the load
/// and never take the same entry; each push FCM accepts is recorded at once in its own statement, so an entry
/// taken again after a crash skips the devices already notified. A batch that was started is finished before the
/// worker stops. The worker drains the outbox when told of new entries (<see cref="PushOutboxListener"/>), not on a
/// timer. Each device's push is a span in the trace of what queued it (a message's send).
/// </summary>
public sealed partial class PushDispatcher(
    PushOutboxListener listener,
    IServiceScopeFactory scopes,
    NpgsqlDataSource dataSource,
    IOptions<PushOptions> options,
    PushMetrics metrics,
    TimeProvider time,
    ILogger<PushDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            LogDisabled();
        }

        var failed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            // After a failure the entries are still there: take them again after a pause, not at the next notice.
            if (!failed)
            {
                await listener.WaitAsync(stoppingToken);
            }

            try
            {
                while (await DispatchBatchAsync(stoppingToken) > 0)
                {
                }

                failed = false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The pause keeps a failing database from being hammered.
                LogBatchFailed(e);
                failed = true;
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
    }

    private async Task<int> DispatchBatchAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChatDbContext>();
        var targets = scope.ServiceProvider.GetRequiredService<PushTargets>();
        var fcm = options.Value.Enabled ? scope.ServiceProvider.GetRequiredService<FcmClient>() : null;
        var batchSize = options.Value.BatchSize;

        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(stoppingToken);
            var entries = await db.PushOutbox
                .FromSql($"SELECT * FROM push_outbox WHERE processed_at IS NULL ORDER BY id LIMIT {batchSize} FOR UPDATE SKIP LOCKED")
                .AsNoTracking()
                .ToListAsync(stoppingToken);
            if (entries.Count == 0)
            {
                return 0;
            }

            if (fcm is not null)
            {
                // Every push of the batch goes out at once, so a device whose push is being retried holds up no other.
                var pushes = await targets.ForAsync(entries, CancellationToken.None);
                await Task.WhenAll(pushes.Select(push => SendAsync(fcm, push)));
            }

            var ids = entries.Select(e => e.Id).ToList();
            await db.PushOutbox.Where(e => ids.Contains(e.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.ProcessedAt, time.GetUtcNow()), CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
            return entries.Count;
        });
    }

    /// <summary>One device's push; a bad token or an exhausted retry affects only this device.</summary>
    private async Task SendAsync(FcmClient fcm, PushTarget device)
    {
        var entry = device.Entry;
        var message = entry.Kind switch
        {
            PushKind.Message => FcmMessages.NewMessage(device.PushToken, entry.ConversationId, entry.MessageId!.Value, device.Badge),
            PushKind.Call => FcmMessages.IncomingCall(device.PushToken, device.Call!, time.GetUtcNow()),
            _ => FcmMessages.BadgeUpdate(device.PushToken, entry.ConversationId, device.Badge),
        };
        var kind = entry.Kind switch { PushKind.Message => "message", PushKind.Call => "call", _ => "badge" };
        ActivityContext.TryParse(entry.TraceParent, null, out var queuedBy);
        using var activity = PushMetrics.Source.StartActivity($"push {kind}", ActivityKind.Producer, queuedBy);
        activity?.SetTag("chat.conversation_id", entry.ConversationId);
        activity?.SetTag("chat.message_id", entry.MessageId);
        activity?.SetTag("chat.device_id", device.DeviceId);
        FcmOutcome outcome;
        string reason;
        try
        {
            (outcome, reason) = await fcm.SendAsync(message, CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
        {
            (outcome, reason) = (FcmOutcome.Failed, "unreachable");
        }

        switch (outcome)
        {
            case FcmOutcome.Sent:
                await ExecuteAsync("INSERT INTO push_deliveries (outbox_id, device_id, sent_at) VALUES (@outbox, @device, now()) ON CONFLICT DO NOTHING",
                    new("outbox", entry.Id), new("device", device.DeviceId));
                metrics.Sent(kind, time.GetUtcNow() - entry.CreatedAt);
                break;
            case FcmOutcome.TokenRejected:
                await ExecuteAsync("UPDATE devices SET push_token = NULL WHERE id = @device AND push_token = @token",
                    new("device", device.DeviceId), new("token", device.PushToken));
                metrics.Failed(reason);
                LogTokenRemoved(device.DeviceId, reason);
                break;
            default:
                metrics.Failed(reason);
                LogDropped(kind, device.DeviceId, reason);
                break;
        }
    }

    private async Task ExecuteAsync(string sql, params NpgsqlParameter[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync();
    }

    [LoggerMessage(1, LogLevel.Warning, "Push notifications are disabled: no FCM service-account key is configured (Push:ServiceAccountJson)")]
    private partial void LogDisabled();

    [LoggerMessage(2, LogLevel.Information, "FCM rejected the push token of device {DeviceId} ({Reason}); the token is removed")]
    private partial void LogTokenRemoved(Guid deviceId, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Dropped a {Kind} push to device {DeviceId} after retries: {Reason}")]
    private partial void LogDropped(string kind, Guid deviceId, string reason);

    [LoggerMessage(4, LogLevel.Error, "A push batch failed; its entries will be taken again")]
    private partial void LogBatchFailed(Exception exception);
}
