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
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var subscription = await revokedDevices.SubscribeAsync(Close);
        await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
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

    [LoggerMessage(1, LogLevel.Information, "Closing {Count} connection(s) of signed-out device {DeviceId}")]
    private partial void LogClosing(int count, Guid deviceId);
}
