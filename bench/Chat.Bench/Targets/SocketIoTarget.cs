using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Chat.Bench.Targets;

/// <summary>
/// The seed design's stack: socket.io 4 with the Redis adapter (bench/socketio-peer). The client speaks the
/// socket.io protocol (Engine.IO 4 over a WebSocket) itself, written by hand: a few packet types are all the
/// benchmark needs, and a thin client keeps the client's own cost out of the server's figures.
/// </summary>
public sealed class SocketIoTarget(IReadOnlyList<Uri> nodes, IReadOnlyList<int> nodeProcessIds) : IBenchTarget
{
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];

    public string Name => "socket.io + Redis adapter";

    public bool Routes => true;

    public bool Stores => false;

    public IReadOnlyList<int> NodeProcessIds => nodeProcessIds;

    public Task<IReadOnlyList<BenchUser>> CreateUsersAsync(int count, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<BenchUser>>(Enumerable.Range(0, count).Select(i => new BenchUser($"{_runId}-{i}", $"u{i}")).ToList());

    public Task<string> DirectChannelAsync(BenchUser from, BenchUser to, CancellationToken cancellationToken) => Task.FromResult("user:" + to.Id);

    public Task<string> GroupChannelAsync(IReadOnlyList<BenchUser> members, CancellationToken cancellationToken) =>
        Task.FromResult("group:" + Guid.NewGuid().ToString("N"));

    public async Task<IBenchClient> ConnectAsync(BenchUser user, int node, Action<string> onMessage, CancellationToken cancellationToken)
    {
        var address = new Uri(new Uri(nodes[node % nodes.Count].ToString().Replace("http", "ws", StringComparison.Ordinal)), "/socket.io/?EIO=4&transport=websocket");
        var client = new Client(address, user.Id, onMessage);
        await client.ReconnectAsync();
        return client;
    }

    public ValueTask DisposeAsync() => default;

    private sealed class Client(Uri address, string userId, Action<string> onMessage) : IBenchClient
    {
        private readonly SemaphoreSlim _sending = new(1, 1);
        private readonly ConcurrentDictionary<int, TaskCompletionSource> _acks = new();
        private ClientWebSocket _socket = new();
        private TaskCompletionSource _connected = new();
        private Task _receiving = Task.CompletedTask;
        private int _nextAck;

        public Task SendAsync(string channel, string payload) => channel.StartsWith("user:", StringComparison.Ordinal)
            ? SendPacketAsync("42" + JsonSerializer.Serialize(new[] { "direct", channel[5..], payload }))
            : SendPacketAsync("42" + JsonSerializer.Serialize(new[] { "group", channel, payload }));

        public async Task JoinAsync(string channel)
        {
            var id = Interlocked.Increment(ref _nextAck);
            var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _acks[id] = acknowledged;
            await SendPacketAsync($"42{id}" + JsonSerializer.Serialize(new[] { "join", channel }));
            await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public async Task DropAsync()
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            await _receiving;
        }

        public async Task ReconnectAsync()
        {
            _socket = new ClientWebSocket();
            _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await _socket.ConnectAsync(address, CancellationToken.None);
            _receiving = ReceiveAsync(_socket);
            await _connected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public Task<int> CatchUpAsync() => Task.FromResult(0);

        public async ValueTask DisposeAsync()
        {
            if (_socket.State == WebSocketState.Open)
            {
                await DropAsync();
            }

            _socket.Dispose();
        }

        private async Task SendPacketAsync(string packet)
        {
            await _sending.WaitAsync();
            try
            {
                await _socket.SendAsync(Encoding.UTF8.GetBytes(packet), WebSocketMessageType.Text, true, CancellationToken.None);
            }
            finally
            {
                _sending.Release();
            }
        }

        private async Task ReceiveAsync(ClientWebSocket socket)
        {
            var buffer = new byte[64 * 1024];
            var packet = new StringBuilder();
            try
            {
                while (true)
                {
                    var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    packet.Append(Encoding.UTF8.GetString(buffer, 0, received.Count));
                    if (received.EndOfMessage)
                    {
                        await HandleAsync(packet.ToString());
                        packet.Clear();
                    }
                }
            }
            catch (WebSocketException)
            {
            }
        }

        /// <summary>Engine.IO: 0 open, 2 ping; socket.io inside 4: 0 connect, 2 event, 3 ack.</summary>
        private async Task HandleAsync(string packet)
        {
            switch (packet)
            {
                case ['0', ..]:
                    await SendPacketAsync("40" + JsonSerializer.Serialize(new { user = userId }));
                    break;
                case "2":
                    await SendPacketAsync("3");
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
