using System.Collections.Concurrent;
using System.Text.Json;

namespace Chat.Bench.Targets;

/// <summary>
/// The seed design's stack: socket.io 4 with the Redis adapter (bench/socketio-peer). The client speaks the
/// socket.io protocol (Engine.IO 4 over a WebSocket) itself, written by hand: a few packet types are all the
/// benchmark needs, and a thin client keeps the client's own cost out of the server's figures.
/// </summary>
public sealed class SocketIoTarget(IReadOnlyList<Uri> nodes, IReadOnlyList<int> nodeProcessIds) : ForwardingPeer(nodeProcessIds)
{
    public override string Name => "socket.io + Redis adapter";

    public override async Task<IBenchClient> ConnectAsync(BenchUser user, int node, Action<string> onMessage, CancellationToken cancellationToken)
    {
        var address = new Uri(new Uri(nodes[node % nodes.Count].ToString().Replace("http", "ws", StringComparison.Ordinal)), "/socket.io/?EIO=4&transport=websocket");
        var client = new Client(address, user.Id, onMessage);
        await client.ReconnectAsync();
        return client;
    }

    private sealed class Client(Uri address, string userId, Action<string> onMessage) : IBenchClient
    {
        private readonly ConcurrentDictionary<int, TaskCompletionSource> _acks = new();
        private TextWebSocket? _socket;
        private TaskCompletionSource _connected = new();
        private int _nextAck;

        public Task SendAsync(string channel, string payload) => RecipientOf(channel) is { } recipient
            ? _socket!.SendAsync("42" + JsonSerializer.Serialize(new[] { "direct", recipient, payload }))
            : _socket!.SendAsync("42" + JsonSerializer.Serialize(new[] { "group", channel, payload }));

        public async Task JoinAsync(string channel)
        {
            var id = Interlocked.Increment(ref _nextAck);
            var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _acks[id] = acknowledged;
            await _socket!.SendAsync($"42{id}" + JsonSerializer.Serialize(new[] { "join", channel }));
            await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public Task DropAsync() => _socket!.CloseAsync();

        public async Task ReconnectAsync()
        {
            if (_socket is not null)
            {
                await _socket.DisposeAsync();
            }

            _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // Assigned before it connects: the server's first packet is answered through it.
            _socket = new TextWebSocket();
            await _socket.ConnectAsync(address, HandleAsync);
            await _connected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public Task<int> CatchUpAsync() => Task.FromResult(0);

        public async ValueTask DisposeAsync()
        {
            if (_socket is not null)
            {
                await _socket.DisposeAsync();
            }
        }

        /// <summary>Engine.IO: 0 open, 2 ping; socket.io inside 4: 0 connect, 2 event, 3 ack.</summary>
        private async Task HandleAsync(string packet)
        {
            switch (packet)
            {
                case ['0', ..]:
                    await _socket!.SendAsync("40" + JsonSerializer.Serialize(new { user = userId }));
                    break;
                case "2":
                    await _socket!.SendAsync("3");
                    break;
                case ['4', '0', ..]:
                    _connected.TrySetResult();
                    break;
                case ['4', '2', ..]:
                    using (var document = JsonDocument.Parse(packet.AsMemory(2)))
                    {
                        if (document.RootElement[0].GetString() == "message")
                        {
                            onMessage(document.RootElement[1].GetString()!);
                        }
                    }

                    break;
                case ['4', '3', ..]:
                    var id = int.Parse(packet.AsSpan(2, packet.IndexOf('[', StringComparison.Ordinal) - 2), System.Globalization.CultureInfo.InvariantCulture);
                    if (_acks.TryRemove(id, out var acknowledged))
                    {
                        acknowledged.TrySetResult();
                    }

                    break;
            }
        }
    }
}
