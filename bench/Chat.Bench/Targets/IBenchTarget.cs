namespace Chat.Bench.Targets;

/// <summary>A system under test: ours, or a peer that only forwards.</summary>
public interface IBenchTarget : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Whether it routes between users at all (the echo peer only sends frames back).</summary>
    bool Routes { get; }

    /// <summary>Whether it stores messages, so a client that was away can catch up (only ours).</summary>
    bool Stores { get; }

    /// <summary>The process id of each node, for memory figures; empty where not known.</summary>
    IReadOnlyList<int> NodeProcessIds { get; }

    /// <summary>Creates the users a workload needs; ours registers them, the peers just name them.</summary>
    Task<IReadOnlyList<BenchUser>> CreateUsersAsync(int count, CancellationToken cancellationToken);

    /// <summary>The address that user <paramref name="from"/> sends to so that <paramref name="to"/> receives.</summary>
    Task<string> DirectChannelAsync(BenchUser from, BenchUser to, CancellationToken cancellationToken);

    /// <summary>A group of these members, owned by the first; the address to send to.</summary>
    Task<string> GroupChannelAsync(IReadOnlyList<BenchUser> members, CancellationToken cancellationToken);

    /// <summary>Connects one device of a user to node <paramref name="node"/> (modulo the node count).</summary>
    Task<IBenchClient> ConnectAsync(BenchUser user, int node, Action<string> onMessage, CancellationToken cancellationToken);
}

/// <summary>One connected device.</summary>
public interface IBenchClient : IAsyncDisposable
{
    /// <summary>Sends a payload; for ours, completes when the message is durably committed and acknowledged.</summary>
    Task SendAsync(string channel, string payload);

    /// <summary>Readies the client to receive a group's messages (the peers' groups are joined, ours are memberships).</summary>
    Task JoinAsync(string channel);

    /// <summary>Drops the connection, keeping what the client knows (its positions), as an app whose network went away.</summary>
    Task DropAsync();

    /// <summary>Connects again to the same node.</summary>
    Task ReconnectAsync();

    /// <summary>Catches up after a reconnect (ours: Sync from the last seen positions); returns the messages it brought.</summary>
    Task<int> CatchUpAsync();
}
public sealed record BenchUser(string Id, string Name);
