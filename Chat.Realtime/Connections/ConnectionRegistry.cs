using Chat.Messaging.Presence;

namespace Chat.Realtime.Connections;

/// <summary>
/// A hub connection opening or closing on this node: recorded in the node's own index, which delivery reads, and
/// in the shared presence registry, which tells the user's contacts.
/// </summary>
public sealed class ConnectionRegistry(LocalConnections connections, PresenceTracker presence)
{
    public async Task ConnectedAsync(Guid userId, Guid deviceId, string connectionId)
    {
        connections.Add(userId, connectionId, deviceId);
        await presence.ConnectedAsync(userId, deviceId, connectionId);
    }

    public async Task DisconnectedAsync(Guid userId, string connectionId)
    {
        connections.Remove(userId, connectionId);
        await presence.DisconnectedAsync(userId, connectionId);
    }
}
