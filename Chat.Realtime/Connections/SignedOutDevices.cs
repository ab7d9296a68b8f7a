using Chat.Messaging.Devices;
using Chat.Realtime.Hubs;
using Chat.Messaging.Errors;

namespace Chat.Realtime.Connections;

/// <summary>
/// Closes this node's connections of each device that is signed out, removed or revoked for refresh-token reuse,
/// wherever that happened: a connection was authenticated when it opened and is not checked again otherwise.
/// </summary>
public sealed partial class SignedOutDevices(
    RevokedDevices revokedDevices, LocalConnections connections, LocalHubLifetimeManager<ChatHub> hub, ILogger<SignedOutDevices> logger)
    : BackgroundService
{
    /// <summary>How often every local device is checked against the revocations, for one whose publication was lost.</summary>
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var subscription = await revokedDevices.SubscribeAsync(Close);

        // A publication sent while this node was cut off from Redis never arrives; the revocation keys stay.
        using var timer = new PeriodicTimer(RecheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RecheckAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RecheckAsync()
    {
        try
        {
            var devices = connections.All().Select(c => (c.UserId, c.DeviceId)).Distinct().ToList();
            var revoked = await Task.WhenAll(devices.Select(d => revokedDevices.IsRevokedAsync(d.DeviceId)));
            foreach (var (userId, deviceId) in devices.Where((_, i) => revoked[i]))
            {
                Close(userId, deviceId);
            }
        }
        catch (StackExchange.Redis.RedisException e)
        {
            LogRecheckFailed(e);
        }
    }

    private void Close(Guid userId, Guid deviceId)
    {
        var local = connections.ConnectionsOfDevice(userId, deviceId);
        if (local.Count == 0)
        {
            return;
        }

        LogClosing(local.Count, deviceId);
        _ = hub.CloseAsync(local, ChatErrors.DeviceSignedOut.ToHubError());
    }

    [LoggerMessage(2, LogLevel.Warning, "Could not check this node's devices against the revocations; the next check retries")]
    private partial void LogRecheckFailed(Exception exception);

    [LoggerMessage(1, LogLevel.Information, "Closing {Count} connection(s) of signed-out device {DeviceId}")]
    private partial void LogClosing(int count, Guid deviceId);
}
