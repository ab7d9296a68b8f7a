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
        private TextWebSocket? _socket;

        public Task SendAsync(string channel, string payload) => _socket!.SendAsync(payload);

        public Task JoinAsync(string channel) => Task.CompletedTask;

        public Task DropAsync() => _socket!.CloseAsync();

        public async Task ReconnectAsync()
        {
            if (_socket is not null)
            {
                await _socket.DisposeAsync();
            }

            _socket = new TextWebSocket();
            await _socket.ConnectAsync(address, text =>
            {
                onMessage(text);
                return Task.CompletedTask;
            });
        }

        public Task<int> CatchUpAsync() => Task.FromResult(0);

        public async ValueTask DisposeAsync()
        {
            if (_socket is not null)
            {
                await _socket.DisposeAsync();
            }
        }
    }
}
