namespace Chat.Bench.Targets;

/// <summary>
/// What the two forwarding peers (bare SignalR, socket.io) share: users are just names, a direct message is
/// addressed to its recipient, a group is a name joined by its members; nothing is stored, so nothing to catch up.
/// </summary>
public abstract class ForwardingPeer(IReadOnlyList<int> nodeProcessIds) : IBenchTarget
{
    private const string UserPrefix = "user:";
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];

    public abstract string Name { get; }

    public bool Routes => true;

    public bool Stores => false;

    public IReadOnlyList<int> NodeProcessIds => nodeProcessIds;

    public Task<IReadOnlyList<BenchUser>> CreateUsersAsync(int count, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<BenchUser>>(Enumerable.Range(0, count).Select(i => new BenchUser($"{_runId}-{i}", $"u{i}")).ToList());

    public Task<string> DirectChannelAsync(BenchUser from, BenchUser to, CancellationToken cancellationToken) => Task.FromResult(UserPrefix + to.Id);

    public Task<string> GroupChannelAsync(IReadOnlyList<BenchUser> members, CancellationToken cancellationToken) =>
        Task.FromResult("group:" + Guid.NewGuid().ToString("N"));

    public abstract Task<IBenchClient> ConnectAsync(BenchUser user, int node, Action<string> onMessage, CancellationToken cancellationToken);

    public ValueTask DisposeAsync() => default;

    /// <summary>The recipient a direct channel addresses, or null for a group.</summary>
    protected static string? RecipientOf(string channel) =>
        channel.StartsWith(UserPrefix, StringComparison.Ordinal) ? channel[UserPrefix.Length..] : null;
}
