using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Chat.Realtime.Connections;

/// <summary>
/// SignalR's in-process lifetime manager, except that a send to a list of connections looks each one up. The default
/// one walks every connection of the node and searches the list for each, so every delivered event would cost the
/// node work in proportion to all its connections, not to its recipients. The event is still serialised once per
/// protocol for all the connections it goes to.
/// </summary>
public sealed class LocalHubLifetimeManager<THub>(ILogger<DefaultHubLifetimeManager<THub>> logger) : DefaultHubLifetimeManager<THub>(logger)
    where THub : Hub
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> _connections = new(StringComparer.Ordinal);

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _connections[connection.ConnectionId] = connection;
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _connections.TryRemove(connection.ConnectionId, out _);
        return base.OnDisconnectedAsync(connection);
    }

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args,
        CancellationToken cancellationToken = default)
    {
        SerializedHubMessage? message = null;
        List<Task>? writes = null;
        foreach (var connectionId in connectionIds)
        {
            if (!_connections.TryGetValue(connectionId, out var connection))
            {
                continue; // gone since the caller looked it up
            }

            message ??= new SerializedHubMessage(new InvocationMessage(methodName, args));
            var write = connection.WriteAsync(message, cancellationToken);
            if (!write.IsCompletedSuccessfully)
            {
                (writes ??= []).Add(write.AsTask());
            }
        }

        return writes is null ? Task.CompletedTask : Task.WhenAll(writes);
    }
}
