using System.Net.WebSockets;
using System.Text;

namespace Chat.Bench.Targets;

/// <summary>Raw Kestrel WebSocket echo: each client's frames come straight back to it. No routing: the floor.</summary>
public sealed class EchoTarget(Uri address, IReadOnlyList<int> nodeProcessIds) : IBenchTarget
{
    public string Name => "Kestrel WebSocket echo";

    public bool Routes => false;

    public bool Stores => false;

    public IReadOnlyList<int> NodeProcessIds => nodeProcessIds;

    public Task<IReadOnlyList<BenchUser>> CreateUsersAsync(int count, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<BenchUser>>(Enumerable.Range(0, count).Select(i => new BenchUser(i.ToString(System.Globalization.CultureInfo.InvariantCulture), $"u{i}")).ToList());

    public Task<string> DirectChannelAsync(BenchUser from, BenchUser to, CancellationToken cancellationToken) => Task.FromResult("echo");

    public Task<string> GroupChannelAsync(IReadOnlyList<BenchUser> members, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The echo peer has no groups.");

    public async Task<IBenchClient> ConnectAsync(BenchUser user, int node, Action<string> onMessage, CancellationToken cancellationToken)
    {
        var client = new Client(new Uri(new Uri(address.ToString().Replace("http", "ws", StringComparison.Ordinal)), "/echo"), onMessage);
        await client.ReconnectAsync();
        return client;
    }

    public ValueTask DisposeAsync() => default;

    private sealed class Client(Uri address, Action<string> onMessage) : IBenchClient
    {
        private readonly SemaphoreSlim _sending = new(1, 1);
        private ClientWebSocket _socket = new();
        private Task _receiving = Task.CompletedTask;

        public async Task SendAsync(string channel, string payload)
        {
            await _sending.WaitAsync();
            try
            {
                await _socket.SendAsync(Encoding.UTF8.GetBytes(payload), WebSocketMessageType.Text, true, CancellationToken.None);
            }
            finally
            {
                _sending.Release();
            }
        }

        public Task JoinAsync(string channel) => Task.CompletedTask;

        public async Task DropAsync()
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            await _receiving;
        }

        public async Task ReconnectAsync()
        {
            _socket = new ClientWebSocket();
            await _socket.ConnectAsync(address, CancellationToken.None);
            _receiving = ReceiveAsync(_socket);
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

        private async Task ReceiveAsync(ClientWebSocket socket)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    onMessage(Encoding.UTF8.GetString(buffer, 0, received.Count));
                }
            }
            catch (WebSocketException)
            {
            }
        }
    }
}
