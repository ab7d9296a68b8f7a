using Chat.Bench.Targets;

namespace Chat.Bench.Workloads;

/// <summary>
/// Many idle, authenticated connections on one node: what each costs the node in memory, and how long connecting
/// them takes. Memory is read on one round per system; the connect time is timed on rounds of their own, which the
/// benchmark runs for every system in turns (<see cref="InTurns"/>).
/// </summary>
public static class IdleConnections
{
    /// <param name="ConnectTimes">The timed rounds': the node's connect path compiled, as in service.</param>
    /// <param name="ColdConnectTime">The memory round's, after the unmeasured warm-up, while the JIT may still be recompiling.</param>
    public sealed record Result(string Target, int Connections, NodeMemory.Sample Before, NodeMemory.Sample After, IReadOnlyList<TimeSpan> ConnectTimes,
        TimeSpan ColdConnectTime)
    {
        /// <summary>What the connect target is judged on: the timed rounds' mean.</summary>
        public TimeSpan ConnectTime => TimeSpan.FromTicks((long)ConnectTimes.Average(t => t.Ticks));

        public double WorkingSetKiBPerConnection => (After.WorkingSetBytes - Before.WorkingSetBytes) / 1024.0 / Connections;

        public double? GcHeapKiBPerConnection => After.GcHeapBytes - Before.GcHeapBytes is { } grown ? grown / 1024.0 / Connections : null;

        /// <summary>
        /// What the target is judged on: the larger of the two. After earlier workloads a node holds memory it has
        /// freed but not returned, and new connections' objects fill it without the working set growing; the GC
        /// heap after a full collection still grows by what they take.
        /// </summary>
        public double KiBPerConnection => Math.Max(WorkingSetKiBPerConnection, GcHeapKiBPerConnection ?? 0);
    }

    /// <summary>The node's memory before and after <c>Connections</c> devices connected, and how long they took.</summary>
    public sealed record Memory(NodeMemory.Sample Before, NodeMemory.Sample After, TimeSpan ColdConnectTime);

    /// <summary>Connects <paramref name="connections"/> devices of the given users, all to node 0, measures that node's memory and lets them go.</summary>
    /// <param name="gcDumps">The folder for the node's heap dumps, before and after.</param>
    public static async Task<Memory> MeasureMemoryAsync(IBenchTarget target, IReadOnlyList<BenchUser> users, int connections, bool dotnetNode,
        string gcDumps, CancellationToken cancellationToken)
    {
        var node = target.NodeProcessIds[0];
        var system = string.Concat(target.Name.Where(char.IsAsciiLetterOrDigit)).ToLowerInvariant();
        string Dump(string when) => Path.Combine(gcDumps, $"{system}-{connections}-{when}.gcdump");

        // A round first, unmeasured: a node that has never connected anyone compiles its whole connect path while
        // measured (some 45,000 methods in ours), and the code it adds to the working set once is no connection's.
        // The quick mode, which only shows that the workload runs, skips it and the waits.
        if (Measuring(connections))
        {
            await DisposeAllAsync((await ConnectAllAsync(target, users, WarmUpConnections, cancellationToken)).Clients);
            await SettleAsync(node, dotnetNode, cancellationToken);
            await Task.Delay(Settling, cancellationToken);
        }

        var before = await NodeMemory.ReadAsync(node, dotnetNode, Dump("before"));
        var (clients, coldConnectTime) = await ConnectAllAsync(target, users, connections, cancellationToken);

        // Idle means settled: what connecting left behind for a while is gone first (the Redis instrumentation,
        // for one, keeps the profiling session of each traced connect until its flush every 10 s).
        await Task.Delay(Settling, cancellationToken);
        var after = await NodeMemory.ReadAsync(node, dotnetNode, Dump("after"));
        await DisposeAllAsync(clients);
        return new Memory(before, after, coldConnectTime);
    }

    /// <summary>One timed round: connects the devices as <see cref="MeasureMemoryAsync"/> does and lets them go.</summary>
    public static async Task<TimeSpan> TimeConnectsAsync(IBenchTarget target, IReadOnlyList<BenchUser> users, int connections, bool dotnetNode,
        CancellationToken cancellationToken)
    {
        // The first thousands of connects on a new node still run code on its way up the JIT's tiers, with the
        // background compiler taking a fifth of our node's CPU in a profile; in service that is long done.
        if (Measuring(connections))
        {
            await SettleAsync(target.NodeProcessIds[0], dotnetNode, cancellationToken);
        }

        var (clients, took) = await ConnectAllAsync(target, users, connections, cancellationToken);
        Console.WriteLine($"{target.Name}: timed connect round {took.TotalSeconds:F1} s");
        await DisposeAllAsync(clients);

        // The node handles the disconnects for a while after they are sent (ours announces "offline" to contacts):
        // that must not fall on the next system's round.
        if (Measuring(connections))
        {
            await Task.Delay(Settling, cancellationToken);
        }

        return took;
    }

    private static bool Measuring(int connections) => connections >= WarmUpConnections;

    private const int WarmUpConnections = 1000;

    /// <summary>How long connects and disconnects leave state behind (the Redis instrumentation flushes its sessions every 10 s).</summary>
    private static readonly TimeSpan Settling = TimeSpan.FromSeconds(15);

    private static async Task SettleAsync(int node, bool dotnetNode, CancellationToken cancellationToken)
    {
        if (dotnetNode)
        {
            await TieringSettled.WaitAsync(node, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30), cancellationToken);
        }
    }

    /// <summary>Connects <paramref name="count"/> devices of the users, 64 at a time, all to node 0 (every index passed to the target is even).</summary>
    private static async Task<(IBenchClient[] Clients, TimeSpan Took)> ConnectAllAsync(IBenchTarget target, IReadOnlyList<BenchUser> users, int count,
        CancellationToken cancellationToken)
    {
        var clients = new IBenchClient[count];
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (i, ct) => clients[i] = await target.ConnectAsync(users[i % users.Count], 0, _ => { }, ct));
        return (clients, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }
    private static Task DisposeAllAsync(IBenchClient[] clients) =>
        Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.DisposeAsync());
}
