using System.Diagnostics;
using System.Globalization;
using Chat.Bench.Targets;
using Npgsql;

namespace Chat.Bench.Workloads;

/// <summary>
/// The direct workload on 2, 4 and 8 realtime nodes, clients spread evenly over them: the machine's CPU per message,
/// in rounds of 2, 4 and 8 so that the machine's drift falls on every node count alike, each system in turn at each
/// node count (ours, then the bare SignalR peer as the machine's baseline) so that the drift falls on both alike;
/// and, in the first round, a second run of ours for what each node is sent of all the events committed (from the
/// nodes' own counters, chat.fanout.events_received against chat.fanout.events_published, read with
/// dotnet-counters, whose sessions would weigh on the measured run's CPU).
/// </summary>
public static class ScaleOut
{
    /// <param name="Load">The round whose CPU per message is the median of the node count's rounds.</param>
    /// <param name="Spent">That round's CPU µs per message of the nodes in use, PostgreSQL, Redis and the load generator; the rest is the machine's other processes and the kernel's own work.</param>
    /// <param name="Rounds">Every round's CPU µs per message, in the order run.</param>
    public sealed record Result(int Nodes, WorkloadResult Load, IReadOnlyList<double> Shares, CpuSplit Spent, IReadOnlyList<double> Rounds)
    {
        public double MaxShare => Shares.Count == 0 ? double.NaN : Shares.Max();
    }

    /// <param name="TargetOn">The system on the given nodes and their processes.</param>
    /// <param name="PostgresConnection">Ours: where to checkpoint before each phase. Ours alone also counts each node's share of the events (its own counters).</param>
    public sealed record ScaledSystem(Func<IReadOnlyList<Uri>, IReadOnlyList<int>, IBenchTarget> TargetOn, IReadOnlyList<Uri> Nodes, IReadOnlyList<int> Pids,
        string? PostgresConnection);

    /// <summary>Each system's results, in the order of <paramref name="systems"/>.</summary>
    public static async Task<List<List<Result>>> RunAsync(IReadOnlyList<ScaledSystem> systems, int? postgresPid, int? redisPid, int clients, int inFlight,
        TimeSpan processWarmUp, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        var counts = new[] { 2, 4, 8 }.Where(n => systems.All(s => n <= s.Nodes.Count)).ToList();

        // Partners at odd distances are on another node only when the ring has an even number of clients.
        clients -= clients % 2;

        // Every phase's users are signed up first, before the unmeasured load, so no sign-up (the API's costliest
        // work) runs between phases. The first round stays the costliest all the same: in the first phase the API
        // still spent about 40 µs a message, for reasons not yet known, which is one reason for taking the median.
        var phaseUsers = systems.Select(_ => new Queue<IReadOnlyList<BenchUser>>()).ToList();
        for (var i = 0; i < systems.Count; i++)
        {
            var system = systems[i];

            // Unmeasured load on every node first, as before a system's first workload: otherwise the first phase's
            // nodes (and the load generator) compile their hot paths again, optimised, while it is measured, and each
            // later phase's new nodes do so in theirs. That made the first phase the costliest whatever its node count.
            await using var all = system.TargetOn(system.Nodes.Take(counts.Max()).ToList(), system.Pids.Take(counts.Max()).ToList());
            for (var phase = 0; phase < Rounds * counts.Count; phase++)
            {
                phaseUsers[i].Enqueue(await all.CreateUsersAsync(clients, cancellationToken));
            }

            await using var fleet = await Fleet.ConnectAsync(all, await all.CreateUsersAsync(clients, cancellationToken), cancellationToken);
            await (await DirectMessages.PrepareAsync(fleet, cancellationToken, DirectMessages.OnOtherNodes)).ClosedLoopAsync(inFlight, processWarmUp, TimeSpan.FromSeconds(1));
        }

        var runs = systems.Select(_ => counts.ToDictionary(count => count, _ => new List<(WorkloadResult Load, CpuSplit Spent)>())).ToList();
        var shares = systems.Select(_ => new Dictionary<int, IReadOnlyList<double>>()).ToList();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var count in counts)
            {
                for (var i = 0; i < systems.Count; i++)
                {
                    var (load, spent, phaseShares) = await PhaseAsync(systems[i], count, phaseUsers[i].Dequeue(), measureShares: round == 0);
                    runs[i][count].Add((load, spent));
                    if (round == 0)
                    {
                        shares[i][count] = phaseShares;
                    }

                    Console.WriteLine($"scale-out round {round + 1} of {load.Target}: {count} nodes, {load.Rate:F0}/s, {load.CpuMicrosecondsPerMessage:F1} µs/message ({spent}), shares {string.Join(" ", shares[i][count].Select(s => s.ToString("P0", CultureInfo.InvariantCulture)))}");
                }
            }
        }

        return systems.Select((_, i) => counts.Select(count =>
        {
            var (load, spent) = runs[i][count].OrderBy(r => r.Load.CpuMicrosecondsPerMessage ?? double.PositiveInfinity).ElementAt(Rounds / 2);
            return new Result(count, load with { Target = $"{load.Target}, {count} nodes" }, shares[i][count], spent,
                runs[i][count].Select(r => r.Load.CpuMicrosecondsPerMessage ?? double.NaN).ToList());
        }).ToList()).ToList();

        async Task<(WorkloadResult Load, CpuSplit Spent, IReadOnlyList<double> Shares)> PhaseAsync(ScaledSystem system, int count, IReadOnlyList<BenchUser> users,
            bool measureShares)
        {
            var pids = system.Pids.Take(count).ToList();
            WorkloadResult load;
            IReadOnlyList<double> phaseShares = [];
            await using (var target = system.TargetOn(system.Nodes.Take(count).ToList(), pids))
            {
                // Users of the phase's own: a user who moved from a node and back would find it holding their
                // conversations' positions from before, and the events sent meanwhile would be a gap to wait out and
                // read from PostgreSQL. That is the cost of a user moving, not of the number of nodes.
                await using var fleet = await Fleet.ConnectAsync(target, users, cancellationToken);
                // Every message crosses to another node at every node count: with the nearest neighbours, two nodes
                // kept half of them on the sender's node, and that, not the number of nodes, made two the cheapest.
                var direct = await DirectMessages.PrepareAsync(fleet, cancellationToken, DirectMessages.OnOtherNodes);

                // The cost, with nothing else attached to the nodes, each phase just after a checkpoint of its own:
                // PostgreSQL's timed checkpoint writes its pages over four and a half minutes, in some phases'
                // windows and not others, and for a while after it each page's first change writes the whole page
                // to the WAL. PostgreSQL's CPU per message moved from 60 to 97 µs between phases of two nodes.
                if (system.PostgresConnection is { } postgres)
                {
                    await CheckpointAsync(postgres, cancellationToken);
                }

                load = await CommitStats.AroundAsync(system.PostgresConnection, () => direct.ClosedLoopAsync(inFlight, warmUp, duration), cancellationToken);

                if (measureShares && system.PostgresConnection is not null)
                {
                    phaseShares = await SharesAsync(direct, pids, inFlight, warmUp, duration, cancellationToken);
                }
            }

            var known = pids.Concat([postgresPid ?? 0, redisPid ?? 0, Environment.ProcessId]).ToList();
            foreach (var (pid, name, cpu) in load.Processes!.Top(4, known))
            {
                Console.WriteLine($"  rest: {cpu.TotalMicroseconds / load.Delivered:F1} µs/message by {pid} {name}");
            }

            // The clients' disconnects (presence, for ours) are the phase's own work: let them finish before the next
            // phase measures another system. A phase of the peer once measured 66 µs a message of "rest" there.
            await Task.Delay(SettleTime, cancellationToken);
            return (load, CpuSplit.Of(load, pids, postgresPid, redisPid), phaseShares);
        }
    }

    private static async Task CheckpointAsync(string postgresConnection, CancellationToken cancellationToken)
    {
        await using var db = new NpgsqlConnection(postgresConnection);
        await db.OpenAsync(cancellationToken);
        await using var checkpoint = new NpgsqlCommand("CHECKPOINT", db);
        await checkpoint.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Rounds of each node count: one run's CPU per message moved by a fifth between runs of the same code on this
    /// machine, as much as the effect the workload looks for, and the first round is the costliest; with five, one
    /// costly round moves the median less.
    /// </summary>
    private const int Rounds = 5;

    /// <summary>After each phase, before the next: the nodes finish with the clients that left.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Each node's share of the events, in a run of its own with dotnet-counters on every node: each session is
    /// given time to attach before the load and outlasts it, so all of them see the whole run (idle before and after
    /// counts nothing).
    /// </summary>
    private static async Task<IReadOnlyList<double>> SharesAsync(DirectMessages direct, IReadOnlyList<int> pids, int inFlight, TimeSpan warmUp,
        TimeSpan duration, CancellationToken cancellationToken)
    {
        var attach = TimeSpan.FromSeconds(8);
        var counters = pids.Select(pid => CountAsync(pid, attach + warmUp + duration + TimeSpan.FromSeconds(4))).ToList();
        await Task.Delay(attach, cancellationToken);
        await direct.ClosedLoopAsync(inFlight, warmUp, duration);
        var counted = await Task.WhenAll(counters);
        var published = counted.Sum(c => c.Published);
        return published > 0 ? counted.Select(c => c.Received / published).ToList() : [];
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
