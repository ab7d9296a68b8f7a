using Chat.Bench.Targets;

namespace Chat.Bench.Workloads;

/// <summary>Many idle, authenticated connections on one node: what each costs the node in memory.</summary>
public static class IdleConnections
{
    public sealed record Result(string Target, int Connections, NodeMemory.Sample Before, NodeMemory.Sample After, TimeSpan ConnectTime)
    {
        public double WorkingSetKiBPerConnection => (After.WorkingSetBytes - Before.WorkingSetBytes) / 1024.0 / Connections;

        public double? GcHeapKiBPerConnection => After.GcHeapBytes - Before.GcHeapBytes is { } grown ? grown / 1024.0 / Connections : null;

        /// <summary>
        /// What the target is judged on: the larger of the two. After earlier workloads a node holds memory it has
        /// freed but not returned, and new connections' objects fill it without the working set growing; the GC
        /// heap after a full collection still grows by what they take.
        /// </summary>
        public double KiBPerConnection => Math.Max(WorkingSetKiBPerConnection, GcHeapKiBPerConnection ?? 0);
    }

    /// <summary>Connects <paramref name="connections"/> devices of the given users, all to node 0, and measures that node.</summary>
    /// <param name="gcDumps">The folder for the node's heap dumps, before and after.</param>
    public static async Task<Result> RunAsync(IBenchTarget target, IReadOnlyList<BenchUser> users, int connections, bool dotnetNode, string gcDumps,
        CancellationToken cancellationToken)
    {
        var node = target.NodeProcessIds[0];
        var system = string.Concat(target.Name.Where(char.IsAsciiLetterOrDigit)).ToLowerInvariant();
        string Dump(string when) => Path.Combine(gcDumps, $"{system}-{connections}-{when}.gcdump");
        var before = await NodeMemory.ReadAsync(node, dotnetNode, Dump("before"));
        var clients = new IBenchClient[connections];
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        // Node 0 only: every index passed to the target is even.
        await Parallel.ForAsync(0, connections, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (i, ct) => clients[i] = await target.ConnectAsync(users[i % users.Count], 0, _ => { }, ct));
        var connectTime = System.Diagnostics.Stopwatch.GetElapsedTime(started);

        // Idle means settled: what connecting left behind for a while is gone first (the Redis instrumentation,
        // for one, keeps the profiling session of each traced connect until its flush every 10 s).
        await Task.Delay(TimeSpan.FromSeconds(15), cancellationToken);
        var after = await NodeMemory.ReadAsync(node, dotnetNode, Dump("after"));
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.DisposeAsync());
        return new Result(target.Name, connections, before, after, connectTime);
    }
}
