using System.Diagnostics;
using System.Globalization;
using Chat.Bench.Targets;

namespace Chat.Bench.Workloads;

/// <summary>
/// The direct workload on 2, 4 and 8 realtime nodes in turn, clients spread evenly over them: the machine's CPU per
/// message, and in a second run what each node is sent of all the events committed (from the nodes' own counters,
/// chat.fanout.events_received against chat.fanout.events_published, read with dotnet-counters, whose sessions
/// would weigh on the first run's CPU).
/// </summary>
public static class ScaleOut
{
    /// <param name="Spent">CPU µs per message of the nodes in use, PostgreSQL, Redis and the load generator; the rest is the machine's other processes and the kernel's own work.</param>
    public sealed record Result(int Nodes, WorkloadResult Load, IReadOnlyList<double> Shares, CpuSplit Spent)
    {
        public double MaxShare => Shares.Count == 0 ? double.NaN : Shares.Max();
    }

    public sealed record CpuSplit(double Nodes, double Postgres, double Redis, double Generator, double Rest)
    {
        /// <summary>Splits a workload's CPU per message by process; the rest is everything else the machine did.</summary>
        public static CpuSplit Of(WorkloadResult load, IEnumerable<int> nodes, int? postgresPid, int? redisPid)
        {
            double Of(IEnumerable<int> processIds) => load.CpuMicrosecondsPerMessageOf(processIds) ?? double.NaN;
            var split = new CpuSplit(Of(nodes), Of(postgresPid is { } p ? [p] : []), Of(redisPid is { } r ? [r] : []), Of([Environment.ProcessId]), 0);
            return split with { Rest = (load.CpuMicrosecondsPerMessage ?? double.NaN) - split.Nodes - split.Postgres - split.Redis - split.Generator };
        }
    }

    public static async Task<List<Result>> RunAsync(Uri api, IReadOnlyList<Uri> nodes, IReadOnlyList<int> pids, int? postgresPid, int? redisPid,
        string signingKey, int clients, int inFlight, TimeSpan processWarmUp, TimeSpan warmUp, TimeSpan duration,
        CancellationToken cancellationToken)
    {
        var counts = new[] { 2, 4, 8 }.Where(n => n <= nodes.Count).ToList();

        // Unmeasured load on every node first, as before a system's first workload: otherwise the first phase's nodes
        // (and the load generator) compile their hot paths again, optimised, while it is measured, and each later
        // phase's new nodes do so in theirs. That made the first phase the costliest whatever its node count.
        await using (var all = new ChatTarget(api, nodes.Take(counts.Max()).ToList(), signingKey, pids.Take(counts.Max()).ToList()))
        await using (var fleet = await Fleet.ConnectAsync(all, await all.CreateUsersAsync(clients, cancellationToken), cancellationToken))
        {
            await (await DirectMessages.PrepareAsync(fleet, cancellationToken)).ClosedLoopAsync(inFlight, processWarmUp, TimeSpan.FromSeconds(1));
        }

        var results = new List<Result>();
        foreach (var count in counts)
        {
            // Users of the phase's own: a user who moved from a node and back would find it holding their
            // conversations' positions from before, and the events sent meanwhile would be a gap to wait out and read
            // from PostgreSQL. That is the cost of a user moving, not of the number of nodes.
            await using var target = new ChatTarget(api, nodes.Take(count).ToList(), signingKey, pids.Take(count).ToList());
            await using var fleet = await Fleet.ConnectAsync(target, await target.CreateUsersAsync(clients, cancellationToken), cancellationToken);
            var direct = await DirectMessages.PrepareAsync(fleet, cancellationToken);

            // The cost, with nothing else attached to the nodes.
            var load = await direct.ClosedLoopAsync(inFlight, warmUp, duration);

            // The shares, in a second run with dotnet-counters on every node: each session is given time to attach
            // before the load and outlasts it, so all of them see the whole run (idle before and after counts nothing).
            var attach = TimeSpan.FromSeconds(8);
            var counters = pids.Take(count).Select(pid => CountAsync(pid, attach + warmUp + duration + TimeSpan.FromSeconds(4))).ToList();
            await Task.Delay(attach, cancellationToken);
            await direct.ClosedLoopAsync(inFlight, warmUp, duration);
            var counted = await Task.WhenAll(counters);
            var published = counted.Sum(c => c.Published);
            var shares = published > 0 ? counted.Select(c => c.Received / published).ToList() : [];
            var result = new Result(count, load with { Target = $"chat (ours), {count} nodes" }, shares, CpuSplit.Of(load, pids.Take(count), postgresPid, redisPid));
            results.Add(result);
            var known = pids.Take(count).Concat([postgresPid ?? 0, redisPid ?? 0, Environment.ProcessId]).ToList();
            foreach (var (pid, name, cpu) in load.Processes!.Top(4, known))
            {
                Console.WriteLine($"  rest: {cpu.TotalMicroseconds / load.Delivered:F1} µs/message by {pid} {name}");
            }

            Console.WriteLine($"scale-out: {count} nodes, {load.Rate:F0}/s, {load.CpuMicrosecondsPerMessage:F1} µs/message ({result.Spent}), shares {string.Join(" ", shares.Select(s => s.ToString("P0", CultureInfo.InvariantCulture)))}");
        }

        return results;
    }

    /// <summary>
    /// Events published and received by one node over <paramref name="span"/>: the counters' increments, summed. CSV
    /// rather than JSON: a line at a time, so a file cut short when the tool stops still reads.
    /// </summary>
    private static async Task<(double Published, double Received)> CountAsync(int processId, TimeSpan span)
    {
        var output = Path.Combine(Path.GetTempPath(), $"chat-bench-fanout-{processId}-{Guid.NewGuid():N}.csv");
        var start = new ProcessStartInfo("dotnet", ["dotnet-counters", "collect", "-p", processId.ToString(CultureInfo.InvariantCulture),
            "--counters", "Chat.Messaging", "--format", "csv", "-o", output, "--refresh-interval", "1",
            "--duration", span.ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using (var process = Process.Start(start)!)
        {
            await process.WaitForExitAsync();
        }

        if (!File.Exists(output))
        {
            return (0, 0);
        }

        double published = 0, received = 0;
        foreach (var line in await File.ReadAllLinesAsync(output))
        {
            // Timestamp,Provider,Counter Name,Counter Type,Mean/Increment
            var fields = line.Split(',');
            if (fields.Length < 5 || !double.TryParse(fields[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            if (fields[2].StartsWith("chat.fanout.events_published", StringComparison.Ordinal))
            {
                published += value;
            }
            else if (fields[2].StartsWith("chat.fanout.events_received", StringComparison.Ordinal))
            {
                received += value;
            }
        }

        File.Delete(output);
        return (published, received);
    }
}
