using Chat.Realtime.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Realtime.Connections;

public static class LocalSends
{
    /// <summary>
    /// Writes an event to connections of this node. The node's lifetime manager is the in-process one
    /// (<see cref="LocalHubLifetimeManager{THub}"/>), so the event is serialised once per protocol for all of them
    /// and each connection is looked up and written directly.
    /// </summary>
    public static Task SendToLocalAsync(this IHubContext<ChatHub> hub, IReadOnlyList<string> connectionIds, string method, object payload) =>
        hub.Clients.Clients(connectionIds).SendAsync(method, payload);
}
