using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Bench.Targets;

/// <summary>The bare SignalR peer: the same transport, protocol and backplane as ours, minus storage and acknowledgement.</summary>
public sealed class SignalRPeerTarget(IReadOnlyList<Uri> nodes, IReadOnlyList<int> nodeProcessIds) : ForwardingPeer(nodeProcessIds)
{
    public override string Name => "bare SignalR + Redis";

    public override async Task<IBenchClient> ConnectAsync(BenchUser user, int node, Action<string> onMessage, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(nodes[node % nodes.Count], $"/hubs/forward?user={Uri.EscapeDataString(user.Id)}"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .AddMessagePackProtocol()
            .Build();
        connection.ServerTimeout = TimeSpan.FromMinutes(2);
        connection.On<string>("message", onMessage);
        await connection.StartAsync(cancellationToken);

        // As for ours: an answered invocation means the node has registered the connection for its user.
        await connection.InvokeAsync("Join", "ready", cancellationToken);
        return new Client(connection);
    }

    private sealed class Client(HubConnection connection) : IBenchClient
    {
        public Task SendAsync(string channel, string payload) => RecipientOf(channel) is { } recipient
            ? connection.SendAsync("SendToUser", recipient, payload)
            : connection.SendAsync("SendToGroup", channel, payload);

        public Task JoinAsync(string channel) => connection.InvokeAsync("Join", channel);

        public Task DropAsync() => connection.StopAsync();

        public Task ReconnectAsync() => connection.StartAsync();

        public Task<int> CatchUpAsync() => Task.FromResult(0);

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
