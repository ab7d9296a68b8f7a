using Chat.Messaging.Fanout;
using Chat.Messaging.Presence;
using Chat.Messaging.Redis;
using Chat.Realtime.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Realtime.Connections;

/// <summary>Writes each user event (presence, typing, receipts, device messages) to this node's connections of its users, or of its one device.</summary>
public sealed class UserEventDelivery(UserEventFanout userEvents, NodeIdentity node, IHubContext<ChatHub> hub, LocalConnections connections) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => userEvents.RunAsync(node, DeliverAsync, stoppingToken);

    private Task DeliverAsync(UserEvent userEvent)
    {
        var local = userEvent.Device is { } device ? connections.ConnectionsOfDevice(userEvent.Users[0], device) : connections.ConnectionsOf(userEvent.Users);
        return local.Count == 0 ? Task.CompletedTask : hub.SendToLocalAsync(local, userEvent.Name, userEvent.ReadPayload());
    }
}
