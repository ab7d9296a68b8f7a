using System.Collections.Concurrent;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Chat.Realtime.Connections;

/// <summary>
/// SignalR's in-process lifetime manager, with two changes for sends to a list of connections. Each connection is
/// looked up: the default walks every connection of the node and searches the list for each, so every delivered
/// event would cost the node work in proportion to all its connections, not to its recipients. And each write goes
/// through the connection's <see cref="ConnectionOutbox"/>, so a connection that stops reading holds up nobody:
/// the default awaits every connection's write, and one full socket stalled the node's whole delivery. The event is
/// still serialised once per protocol for all the connections it goes to.
/// </summary>
public sealed partial class LocalHubLifetimeManager<THub>(
    ILogger<DefaultHubLifetimeManager<THub>> logger,
    IOptions<OutboxOptions> options,
    OutboxBudget budget,
    RealtimeMetrics metrics,
    ILogger<ConnectionOutbox> outboxLogger) : DefaultHubLifetimeManager<THub>(logger)
    where THub : Hub
{
    private readonly ConcurrentDictionary<string, ConnectionOutbox> _outboxes = new(StringComparer.Ordinal);
    private static readonly TimeSpan CloseMessageTimeout = TimeSpan.FromSeconds(1);

    private Action<HubConnectionContext, string>? _cutOff;

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _outboxes[connection.ConnectionId] = new ConnectionOutbox(connection, options.Value, budget, _cutOff ??= CutOff);
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (_outboxes.TryRemove(connection.ConnectionId, out var outbox))
        {
            outbox.Close();
        }

        return base.OnDisconnectedAsync(connection);
    }

    /// <summary>Hands the event to each connection's outbox and returns at once: nothing here waits for a socket.</summary>
    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args,
        CancellationToken cancellationToken = default)
    {
        SerializedHubMessage? message = null;
        foreach (var connectionId in connectionIds)
        {
            if (_outboxes.TryGetValue(connectionId, out var outbox))
            {
                outbox.Send(message ??= new SerializedHubMessage(new InvocationMessage(methodName, args)));
            }
        }

        return Task.CompletedTask;
    }

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendConnectionsAsync([connectionId], methodName, args, cancellationToken);

    /// <summary>
    /// Ends connections for a reason the client must not retry with the same credentials: a close message with
    /// <paramref name="error"/> and no reconnect, then the transport is aborted whether or not the message got out.
    /// </summary>
    public async Task CloseAsync(IReadOnlyList<string> connectionIds, string error)
    {
        var closing = new List<Task>();
        foreach (var connectionId in connectionIds)
        {
            if (_outboxes.TryGetValue(connectionId, out var outbox))
            {
                outbox.Close();
                closing.Add(CloseAsync(outbox.Connection, error));
            }
        }

        await Task.WhenAll(closing);
    }

    private static async Task CloseAsync(HubConnectionContext connection, string error)
    {
        try
        {
            await connection.WriteAsync(new CloseMessage(error, allowReconnect: false)).AsTask().WaitAsync(CloseMessageTimeout);
        }
        catch (Exception)
        {
            // A connection that cannot take the close message is aborted all the same.
        }
        finally
        {
            connection.Abort();
        }
    }

    private void CutOff(HubConnectionContext connection, string reason)
    {
        metrics.CutOff(reason);
        LogCutOff(outboxLogger, connection.ConnectionId, connection.User.FindFirst(ChatClaims.UserId)?.Value, reason);
    }

    [LoggerMessage(1, LogLevel.Information, "Closed connection {ConnectionId} of user {UserId}, which fell behind ({Reason}); its device reconnects and syncs")]
    private static partial void LogCutOff(ILogger logger, string connectionId, string? userId, string reason);
}
