using Chat.Realtime.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Realtime.Connections;

public static class LocalSends
{
    /// <summary>
    /// Writes an event to connections of this node, one at a time: the Redis lifetime manager writes a single
    /// local connection directly, but sends a list of connections through Redis, even those on this node.
    /// </summary>
    public static async Task SendToLocalAsync(this IHubContext<ChatHub> hub, IReadOnlyList<string> connectionIds, string method, object payload)
    {
        foreach (var connectionId in connectionIds)
        {
            await hub.Clients.Client(connectionId).SendAsync(method, payload);
        }
    }
}
