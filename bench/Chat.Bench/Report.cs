using System.Globalization;
using System.Text;
using Chat.Bench.Workloads;

namespace Chat.Bench;

/// <summary>Writes docs/benchmarks.md: the machine, the command, every result, and the targets as ratios within this run.</summary>
public sealed class Report(BenchOptions options)
{
    /// <summary>The issue's targets: our rate against each forwarding peer's, and memory per idle connection.</summary>
    public const double RateVsBareSignalR = 0.8, RateVsSocketIo = 1.5, KiBPerConnection = 20;

    private readonly List<WorkloadResult> _results = [];
    private readonly List<IdleConnections.Result> _connections = [];
    private readonly List<EncryptionCost.Result> _encryption = [];
    private PostgresFloor.Result? _floor;
    private AttachmentTransfer.Result? _attachments;
    private PushWakeUp.Result? _push;
    private List<ScaleOut.Result> _scaleOut = [];
    private List<ScaleOut.Result> _scaleOutPeer = [];

    private readonly Dictionary<string, IReadOnlyList<int>> _nodeProcesses = [];

    public void AddScaleOut(List<ScaleOut.Result> results) => _scaleOut = results;

    /// <summary>The bare SignalR peer on the same node counts: what more nodes on this machine cost a system that adds no work per node.</summary>
    public void AddScaleOutPeer(List<ScaleOut.Result> results) => _scaleOutPeer = results;

    /// <summary>
    /// How far above the fewest nodes' median CPU per message the most nodes' may be and still count as not growing:
    /// one node count's own rounds spread by about this much on this machine (367 to 330 µs between two runs of 2 nodes).
    /// </summary>
    private const double ScaleOutCostNoise = 0.10;

    /// <summary>
    /// Each round's growth of ours from the fewest nodes to the most, over the peer's in the same round: phases of one
    /// round ran minutes apart at most, so the machine's drift between rounds (other tenants, caches) cancels.
    /// </summary>
    private static double[] PairedGrowth(IReadOnlyList<double> fewest, IReadOnlyList<double> most, IReadOnlyList<double> peerFewest, IReadOnlyList<double> peerMost) =>
        [.. Enumerable.Range(0, Math.Min(fewest.Count, peerFewest.Count)).Select(i => most[i] / fewest[i] / (peerMost[i] / peerFewest[i]) - 1)];

    /// <summary>A relative change as a signed whole percentage; one that rounds to nothing is "0 %", not "-0 %".</summary>
    private static string Growth(double change) => (Math.Round(change, 2) + 0.0).ToString("+0 %;-0 %;0 %", CultureInfo.InvariantCulture);

    /// <summary>A system under test, so that its nodes' CPU can be told apart in the split of each message's CPU.</summary>
    public void Add(Targets.IBenchTarget target) => _nodeProcesses[target.Name] = target.NodeProcessIds;

    public void Add(AttachmentTransfer.Result result)
    {
        _attachments = result;
        Console.WriteLine($"attachments: up {result.GrantUploadMiBps:F0} MiB/s through grants, {result.DirectUploadMiBps:F0} direct; down {result.GrantDownloadMiBps:F0} / {result.DirectDownloadMiBps:F0}; API {result.AnnounceMs:F1} + {result.CompleteMs:F1} + {result.GrantMs:F1} ms");
    }

    public void Add(PushWakeUp.Result result)
    {
        _push = result;
        Console.WriteLine($"push wake-up: {result.Messages} entries, commit to worker p50 {result.P50Ms:F1} ms, p99 {result.P99Ms:F1} ms; idle: {result.OutboxStatementsPerIdleMinute:F0} outbox statements/min");
    }

    public void Add(WorkloadResult result)
    {
        _results.Add(result);
        Console.WriteLine($"{result.Target,-28} {result.Workload,-55} {result.Rate,10:F0}/s  p50 {result.P50,8:F2}  p99 {result.P99,8:F2}  p99.9 {result.P999,8:F2} ms  errors {result.Errors}");
    }

    public void Add(IdleConnections.Result result)
    {
        _connections.Add(result);
        Console.WriteLine($"{result.Target,-28} {result.Connections} idle connections: {result.WorkingSetKiBPerConnection:F1} KiB working set, {result.GcHeapKiBPerConnection:F1} KiB GC heap each");
    }

    public void Add(EncryptionCost.Result cost)
    {
        _encryption.Add(cost);
        Console.WriteLine($"encryption, {cost.Members} devices: encrypt {cost.EncryptMicroseconds:F1} µs, decrypt {cost.DecryptMicroseconds:F1} µs, rotation {cost.RotationMicroseconds:F1} µs, all clients {cost.TotalMicroseconds:F1} µs a message");
    }

    public void Add(PostgresFloor.Result floor)
    {
        _floor = floor;
        Console.WriteLine($"PostgreSQL floor: {floor.RowsPerSecond:F0} rows/s, {floor.PostgresCpuMicrosecondsPerRow:F1} µs of PostgreSQL CPU per row");
    }

    /// <summary>Every result whose workload starts with the prefix, for one target.</summary>
    public IEnumerable<WorkloadResult> Find(string target, string workloadPrefix) =>
        _results.Where(r => r.Target == target && r.Workload.StartsWith(workloadPrefix, StringComparison.Ordinal));

    public string Render(IReadOnlyList<string> targets)
    {
        var text = new StringBuilder();
        var f = CultureInfo.InvariantCulture;
        text.AppendLine("# Benchmarks").AppendLine();
        text.AppendLine(f, $"Produced by `{options.Command}` on {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC{(options.Quick ? " (quick mode: tiny sizes, not for comparison)" : "")}.");
        text.AppendLine(f, $"Machine: {Environment.ProcessorCount} cores, {MemoryGiB():F1} GiB memory, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}.");
        text.AppendLine("Everything (servers, peers, load generator) shares this machine, so only ratios within one run mean anything.").AppendLine();
        text.AppendLine("Latencies are from send to receipt, both timed by the load generator (HdrHistogram, milliseconds). Our system acknowledges each message only after its PostgreSQL commit; the peers store and acknowledge nothing.").AppendLine();

        // A run of only the scale-out or attachment workloads has no direct workloads to judge or list.
        var targetLines = Targets(targets).ToList();
        if (targetLines.Count > 0)
        {
            text.AppendLine("## Targets").AppendLine();
            text.AppendLine("| target | measured | verdict |").AppendLine("|---|---|---|");
            foreach (var line in targetLines)
            {
                text.AppendLine(line);
            }
        }

        var bounds = new ReportBounds(targets, _results, _connections, _floor).Render();
        if (bounds.Length > 0)
        {
            text.AppendLine().AppendLine("## What bounds the rate against the forwarders (context, not a target)").AppendLine().Append(bounds);
        }

        if (_results.Count > 0)
        {
            text.AppendLine().AppendLine("## Messages").AppendLine();
            text.AppendLine("The machine's CPU per message is all busy CPU time over the measured window (every process: the system, the idle peers, the load generator) divided by the messages delivered. The direct workloads run the systems in turns: each closed loop once in the systems' order and once in reverse (A B B A), each system's two runs reported as one row; the open loops in turns too, each run a row of its own.").AppendLine();
            text.AppendLine("| system | workload | delivered/s | p50 | p99 | p99.9 | errors | machine busy | CPU µs / message |").AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in _results.OrderBy(r => Order(r.Workload)).ThenBy(r => r.Workload, StringComparer.Ordinal).ThenBy(r => targets.ToList().IndexOf(r.Target)))
            {
                text.AppendLine(f, $"| {r.Target} | {r.Workload} | {r.Rate:F0} | {r.P50:F2} | {r.P99:F2} | {r.P999:F2} | {r.Errors}{(r.Note is null ? "" : " (" + r.Note + ")")} | {(r.MachineBusy is { } busy ? busy.ToString("P0", f) : "")} | {(r.CpuMicrosecondsPerMessage is { } cpu ? cpu.ToString("F1", f) : "")} |");
            }
        }

        var split = _results.Where(r => r.Processes is not null && r.Workload.StartsWith("direct,", StringComparison.Ordinal) && _nodeProcesses.ContainsKey(r.Target)).ToList();
        if (split.Count > 0)
        {
            text.AppendLine().AppendLine("Where each message's CPU went, µs per delivered message, from each process's CPU time in /proc over the same window: the system's realtime nodes, PostgreSQL and Redis (servers only ours uses; the peers' rows show them idle), the load generator, and the rest (the other systems' idle servers, our API and worker, the kernel's own threads).").AppendLine();
            text.AppendLine("| system | workload | all | nodes | PostgreSQL | Redis | load generator | rest |").AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var r in split.OrderBy(r => Order(r.Workload)).ThenBy(r => r.Workload, StringComparer.Ordinal).ThenBy(r => targets.ToList().IndexOf(r.Target)))
            {
                var c = CpuSplit.Of(r, _nodeProcesses[r.Target], options.PostgresPid, options.RedisPid);
                text.AppendLine(f, $"| {r.Target} | {r.Workload} | {r.CpuMicrosecondsPerMessage:F1} | {c.Nodes:F1} | {c.Postgres:F1} | {c.Redis:F1} | {c.Generator:F1} | {c.Rest:F1} |");
            }
        }

        if (_attachments is { } a)
        {
            text.AppendLine().AppendLine("## Attachments").AppendLine();
            text.AppendLine(f, $"{a.Files} files of {a.FileBytes / 1048576.0:F0} MiB against the storage emulator (Azurite), medians. The bytes go with `curl`, once through our grants (announce, upload, complete, download grant, download) and once through a grant the benchmark signs itself: the same bytes' path, without our API.").AppendLine();
            text.AppendLine("| | through our grants | straight to storage | ratio |").AppendLine("|---|---:|---:|---:|");
            text.AppendLine(f, $"| upload, MiB/s | {a.GrantUploadMiBps:F0} | {a.DirectUploadMiBps:F0} | {a.GrantUploadMiBps / a.DirectUploadMiBps:F2} |");
            text.AppendLine(f, $"| download, MiB/s | {a.GrantDownloadMiBps:F0} | {a.DirectDownloadMiBps:F0} | {a.GrantDownloadMiBps / a.DirectDownloadMiBps:F2} |");
            text.AppendLine().AppendLine(f, $"Our API's calls around the bytes, each once per file: announce {a.AnnounceMs:F1} ms, complete {a.CompleteMs:F1} ms (it reads the stored file back to check its SHA-256: the one time the system touches the bytes), download grant {a.GrantMs:F1} ms.");
        }

        if (_push is { } push)
        {
            text.AppendLine().AppendLine("## Push wake-up").AppendLine();
            text.AppendLine(f, $"{push.Messages} messages at a person's pace (one every 50–150 ms) to a user whose only device is offline with a push token. Delay: from the message's commit (its outbox entry's `created_at`) to the worker taking the entry (`processed_at`), FCM not included. Idle: the statements on `push_outbox` PostgreSQL ran per minute over {push.Idle.TotalSeconds:F0} s with nothing to push (`pg_stat_statements`).").AppendLine();
            text.AppendLine("| commit to worker, p50 | p99 | max | outbox statements per idle minute |").AppendLine("|---:|---:|---:|---:|");
            text.AppendLine(f, $"| {push.P50Ms:F1} ms | {push.P99Ms:F1} ms | {push.MaxMs:F1} ms | {push.OutboxStatementsPerIdleMinute:F0} |");
        }

        if (_scaleOut.Count > 0)
        {
            text.AppendLine().AppendLine("## Scale-out").AppendLine();
            text.AppendLine(f, $"The direct workload (closed loop) on 2, 4 and 8 realtime nodes, clients spread evenly and each sending only to clients on other nodes (so a message takes the same path whatever the number of nodes), in {_scaleOut[0].Rounds.Count} rounds of 2, 4 and 8 (fresh users each time, 5 s to settle after each phase); a row is the round with the median CPU per message, and every round's figure is beside it. Each node's share is the events it was sent (`chat.fanout.events_received`) over all the events committed (`chat.fanout.events_published`, summed over the nodes), read from the nodes' own counters with dotnet-counters over a run of the first round. Targets: each node at most 1/N + 10 % of the events, and the CPU per message not growing with N: here, the median at {_scaleOut[^1].Nodes} nodes no more than {ScaleOutCostNoise:P0} (the spread of one node count's own rounds on this machine) above the median at {_scaleOut[0].Nodes}, measured against the bare SignalR peer's own growth in the same run where it ran too (`--only chat,signalr`): on this machine every node shares the same 2 cores, so more nodes cost more per message to any system, and the peer's growth is that baseline. With the peer, the verdict is the median over the rounds of each round's ratio of the two growths.").AppendLine();
            text.AppendLine("| nodes | delivered/s | p50 | p99 | CPU µs / message | each round | each node's share | largest | 1/N + 10 % | verdict |").AppendLine("|---:|---:|---:|---:|---:|---|---|---:|---:|---|");
            foreach (var r in _scaleOut)
            {
                var bound = 1.0 / r.Nodes + 0.10;
                text.AppendLine(f, $"| {r.Nodes} | {r.Load.Rate:F0} | {r.Load.P50:F2} | {r.Load.P99:F2} | {r.Load.CpuMicrosecondsPerMessage:F1} | {string.Join(", ", r.Rounds.Select(c => c.ToString("F0", f)))} | {string.Join(" ", r.Shares.Select(s => s.ToString("P0", f)))} | {r.MaxShare.ToString("P0", f)} | {bound.ToString("P0", f)} | {(r.MaxShare <= bound ? "met" : "**missed**")} |");
            }

            var (fewest, most) = (_scaleOut[0], _scaleOut[^1]);
            var peerRan = _scaleOutPeer.Count > 1;
            if (_scaleOut.Count > 1 && most.Load.CpuMicrosecondsPerMessage / fewest.Load.CpuMicrosecondsPerMessage - 1 is { } growth)
            {
                text.AppendLine().AppendLine(f, $"CPU per message at {most.Nodes} nodes against {fewest.Nodes}, medians: {most.Load.CpuMicrosecondsPerMessage:F1} vs {fewest.Load.CpuMicrosecondsPerMessage:F1} µs, {Growth(growth)}{(peerRan ? " (against the peer's growth below)" : $": {(growth <= ScaleOutCostNoise ? "met" : "**missed**")}")}.");
                if (peerRan)
                {
                    var (peerFewest, peerMost) = (_scaleOutPeer[0], _scaleOutPeer[^1]);
                    var peerGrowth = peerMost.Load.CpuMicrosecondsPerMessage!.Value / peerFewest.Load.CpuMicrosecondsPerMessage!.Value - 1;
                    var relative = (1 + growth) / (1 + peerGrowth) - 1;
                    var paired = PairedGrowth(fewest.Rounds, most.Rounds, peerFewest.Rounds, peerMost.Rounds);
                    var pairedMedian = Statistics.Median(paired);
                    text.AppendLine().AppendLine("The bare SignalR peer on as many nodes, in the same run, the same workload and rounds, each of its phases just after ours at the same node count: SignalR's Redis backplane, which also sends each message only to the node of its recipient (a channel per user), and stores and acknowledges nothing. Its growth is what more nodes cost on this machine (2 cores shared by every node, PostgreSQL, Redis and the load generator) to a system that adds no work of its own per node.").AppendLine();
                    text.AppendLine("| nodes | delivered/s | p50 | CPU µs / message | each round | peer nodes in use | Redis | load generator | rest |").AppendLine("|---:|---:|---:|---:|---|---:|---:|---:|---:|");
                    foreach (var r in _scaleOutPeer)
                    {
                        text.AppendLine(f, $"| {r.Nodes} | {r.Load.Rate:F0} | {r.Load.P50:F2} | {r.Load.CpuMicrosecondsPerMessage:F1} | {string.Join(", ", r.Rounds.Select(c => c.ToString("F0", f)))} | {r.Spent.Nodes:F1} | {r.Spent.Redis:F1} | {r.Spent.Generator:F1} | {r.Spent.Rest:F1} |");
                    }

                    text.AppendLine().AppendLine(f, $"CPU per message at {peerMost.Nodes} nodes against {peerFewest.Nodes}, medians: the peer {peerMost.Load.CpuMicrosecondsPerMessage:F1} vs {peerFewest.Load.CpuMicrosecondsPerMessage:F1} µs, {Growth(peerGrowth)}; ours {Growth(growth)}. Ours against the peer's growth, from these medians: {Growth(relative)}.");
                    text.AppendLine().AppendLine(f, $"Round by round (ours and the peer ran each node count back to back, so a round's ratio cancels what the machine's other load did between rounds): ours' growth over the peer's, {string.Join(", ", paired.Select(Growth))}; median **{Growth(pairedMedian)}**: {(pairedMedian <= ScaleOutCostNoise ? "met" : "**missed**")}.");
                }
            }

            text.AppendLine().AppendLine("Where each message's CPU went (µs per delivered message, from each process's CPU time in /proc over the same window; \"rest\" is every other process and the kernel's own work).").AppendLine();
            text.AppendLine("| nodes | all | realtime nodes in use | PostgreSQL | Redis | load generator | rest |").AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in _scaleOut)
            {
                text.AppendLine(f, $"| {r.Nodes} | {r.Load.CpuMicrosecondsPerMessage:F1} | {r.Spent.Nodes:F1} | {r.Spent.Postgres:F1} | {r.Spent.Redis:F1} | {r.Spent.Generator:F1} | {r.Spent.Rest:F1} |");
            }
        }

        if (_floor is { } floor)
        {
            text.AppendLine().AppendLine("## PostgreSQL floor").AppendLine();
            text.AppendLine(f, $"Message rows stored as cheaply as this PostgreSQL can ({nameof(PostgresFloor)}: a copy of the messages table with its indexes and no foreign key, {floor.RowsPerCommit} rows a commit, {floor.Writers} writers, durable commits, no checks): {floor.RowsPerSecond:F0} rows/s, **{floor.PostgresCpuMicrosecondsPerRow:F1} µs of PostgreSQL's CPU per row**.");
        }

        if (_encryption.Count > 0)
        {
            text.AppendLine().AppendLine("## End-to-end encryption on the clients").AppendLine();
            text.AppendLine("Chat.Client's cost per message on one thread of the load generator: the sender encrypts once (AES-256-GCM with a sender key, then a 16-byte HMAC tag per recipient device for up to 32 devices, or an ECDSA P-256 signature for more), every other device decrypts (its tag or the signature checked), and every 100 messages the sender key is replaced: a Double Ratchet message to each other device, answered (a ratchet step each way), spread over the 100.").AppendLine();
            text.AppendLine("| devices | encrypt µs | decrypt µs (each device) | rotation µs (spread) | all clients µs / message |").AppendLine("|---:|---:|---:|---:|---:|");
            foreach (var e in _encryption)
            {
                text.AppendLine(f, $"| {e.Members} | {e.EncryptMicroseconds:F1} | {e.DecryptMicroseconds:F1} | {e.RotationMicroseconds:F1} | {e.TotalMicroseconds:F1} |");
            }
        }

        if (_connections.Count > 0)
        {
            text.AppendLine().AppendLine("## Idle connections on one node").AppendLine();
            text.AppendLine("Each system's node connects 1,000 devices and lets them go unmeasured, then the devices below, while its memory is read (before, and 15 s after the last connect). The connect time is timed on two more rounds, once the node's JIT has finished recompiling its connect path as in service, run for the systems in turns (A B B A) as the direct workloads are: the mean, then each round. The memory round's own time is beside it.").AppendLine();
            text.AppendLine("| system | connections | connect time (rounds) | memory round | working set before → after | per connection | GC heap before → after | per connection |").AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var c in _connections)
            {
                text.AppendLine(f, $"| {c.Target} | {c.Connections} | {c.ConnectTime.TotalSeconds:F1} s ({string.Join(", ", c.ConnectTimes.Select(t => t.TotalSeconds.ToString("F1", f)))}) | {c.ColdConnectTime.TotalSeconds:F1} s | {Mib(c.Before.WorkingSetBytes)} → {Mib(c.After.WorkingSetBytes)} | {c.WorkingSetKiBPerConnection:F1} KiB | {Mib(c.Before.GcHeapBytes)} → {Mib(c.After.GcHeapBytes)} | {(c.GcHeapKiBPerConnection is { } g ? g.ToString("F1", f) + " KiB" : "n/a")} |");
            }
        }

        if (options.Analysis is { } analysis && File.Exists(analysis))
        {
            text.AppendLine().Append(File.ReadAllText(analysis));
        }

        return text.ToString();
    }

    private IEnumerable<string> Targets(IReadOnlyList<string> targets)
    {
        var ours = targets[0];
        var bare = targets.ElementAtOrDefault(1);
        var f = CultureInfo.InvariantCulture;

        // Cost: in every direct workload, the machine's CPU per delivered message against the bare peer's in the
        // same workload (the open loops run at different rates, each at half its own system's peak).
        foreach (var mine in _results.Where(r => r.Target == ours && r.Workload.StartsWith("direct,", StringComparison.Ordinal)).DistinctBy(r => Kind(r.Workload)))
        {
            var peer = _results.FirstOrDefault(r => r.Target == bare && Kind(r.Workload) == Kind(mine.Workload));
            if (peer?.CpuMicrosecondsPerMessage is { } peerCpu && mine.CpuMicrosecondsPerMessage is { } cpu)
            {
                var ratio = cpu / peerCpu;
                yield return string.Create(f, $"| {Kind(mine.Workload)}: CPU per message ≤ {CostVsBare} × {bare}'s | {cpu:F1} vs {peerCpu:F1} µs = {ratio:F2} × | {Verdict(ratio <= CostVsBare, CostVsBare / ratio)} |");
            }
        }

        // Latency at light load: the smallest closed loop, one message in flight per client.
        var light = _results.FirstOrDefault(r => r.Target == ours && r.Workload == RateWorkload(_results, inFlight: 1));
        var lightPeer = light is null ? null : _results.FirstOrDefault(r => r.Target == bare && r.Workload == light.Workload);
        if (light is not null && lightPeer is not null)
        {
            var p50 = light.P50 / lightPeer.P50;
            var p99 = light.P99 / lightPeer.P99;
            yield return string.Create(f, $"| {light.Workload}: p50 ≤ {P50VsBare} × {bare}'s | {light.P50:F2} vs {lightPeer.P50:F2} ms = {p50:F2} × | {Verdict(p50 <= P50VsBare, P50VsBare / p50)} |");
            yield return string.Create(f, $"| {light.Workload}: p99 ≤ {P99VsBare} × {bare}'s | {light.P99:F2} vs {lightPeer.P99:F2} ms = {p99:F2} × | {Verdict(p99 <= P99VsBare, P99VsBare / p99)} |");
        }

        // A steady tail: the largest open loop at half our peak, every run of it.
        var largestOpen = _results.Where(r => r.Target == ours && r.Workload.Contains("open loop", StringComparison.Ordinal))
            .Select(r => Kind(r.Workload)).OrderByDescending(ClientsOf).FirstOrDefault();
        var tails = _results.Where(r => r.Target == ours && Kind(r.Workload) == largestOpen).ToList();
        if (tails.Count > 0)
        {
            var worst = tails.MinBy(r => Math.Min(TailP99 / r.P99, TailP999 / r.P999))!;
            var runs = string.Join("; ", tails.Select(r => string.Create(f, $"p99 {r.P99:F1}, p99.9 {r.P999:F1} ms")));
            yield return string.Create(f, $"| {largestOpen} at half our peak, each of {tails.Count} runs: p99 ≤ {TailP99} ms, p99.9 ≤ {TailP999} ms | {runs} | {Verdict(tails.All(r => r.P99 <= TailP99 && r.P999 <= TailP999), Math.Min(TailP99 / worst.P99, TailP999 / worst.P999))} |");
        }

        var connections = _connections.FirstOrDefault(c => c.Target == ours);
        var peerConnections = _connections.FirstOrDefault(c => c.Target == bare);
        if (connections is not null && peerConnections is not null)
        {
            var connect = connections.ConnectTime / peerConnections.ConnectTime;
            yield return string.Create(f, $"| {connections.Connections} connections, each connecting and syncing: connect time ≤ {ConnectVsBare} × {bare}'s | {connections.ConnectTime.TotalSeconds:F1} vs {peerConnections.ConnectTime.TotalSeconds:F1} s = {connect:F2} × | {Verdict(connect <= ConnectVsBare, ConnectVsBare / connect)} |");
            if (connections.GcHeapKiBPerConnection is { } heap && peerConnections.GcHeapKiBPerConnection is { } peerHeap)
            {
                var worst = Math.Max(connections.WorkingSetKiBPerConnection / peerConnections.WorkingSetKiBPerConnection, heap / peerHeap);
                yield return string.Create(f, $"| {connections.Connections} idle connections on one node: working set and GC heap each ≤ {bare}'s | working set {connections.WorkingSetKiBPerConnection:F1} vs {peerConnections.WorkingSetKiBPerConnection:F1} KiB, GC heap {heap:F1} vs {peerHeap:F1} KiB | {Verdict(worst <= 1, 1 / worst)} |");
            }
        }

        var fanout = _results.Where(r => r.Target == ours && r.Workload.StartsWith("group fan-out", StringComparison.Ordinal)).LastOrDefault();
        if (fanout is not null)
        {
            yield return string.Create(f, $"| {fanout.Workload}: p99 ≤ 250 ms | p99 {fanout.P99:F1} ms | {Verdict(fanout.P99 <= 250 && fanout.Errors == 0, 250 / fanout.P99)} |");
        }

        foreach (var plain in _results.Where(r => r.Target == ours && r.Workload.StartsWith(EncryptionPairPrefix, StringComparison.Ordinal)))
        {
            var encrypted = _results.FirstOrDefault(r => r.Target != ours && r.Workload == plain.Workload);
            if (encrypted is not null)
            {
                var ratio = encrypted.Rate / plain.Rate;
                yield return string.Create(f, $"| {plain.Workload}: encrypted ≥ {EncryptedRate} × plain | {encrypted.Rate:F0}/s vs {plain.Rate:F0}/s = {ratio:F2} × | {Verdict(ratio >= EncryptedRate, ratio / EncryptedRate)} |");
            }
        }
    }

    /// <summary>Workloads run twice in a row, plain and encrypted (<see cref="Targets.EncryptedTarget"/>), start with this.</summary>
    public const string EncryptionPairPrefix = "e2ee pair: ";

    /// <summary>Encryption may cost at most a fifth of the delivered rate.</summary>
    private const double EncryptedRate = 0.8;

    /// <summary>Issue 22's targets against the bare SignalR peer, and the steady tail's bounds in milliseconds.</summary>
    private const double CostVsBare = 2.0, P50VsBare = 2.0, P99VsBare = 3.0, ConnectVsBare = 2.0, TailP99 = 25, TailP999 = 100;

    /// <summary>A direct workload without its open loop's rate, which differs between systems: "direct, 1000 clients, open loop".</summary>
    private static string Kind(string workload) => workload.IndexOf(" at ", StringComparison.Ordinal) is var at and > 0 ? workload[..at] : workload;

    private static int ClientsOf(string workload) =>
        int.TryParse(workload.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1), CultureInfo.InvariantCulture, out var clients) ? clients : 0;

    /// <summary>The workload the rate targets are judged on: the fewest clients' closed loop with 8 messages in flight.</summary>
    public static string? RateWorkload(IEnumerable<WorkloadResult> results, int inFlight = 8) =>
        results.Select(r => r.Workload).Where(w => w.StartsWith("direct,", StringComparison.Ordinal) && w.EndsWith($"closed loop, {inFlight} in flight", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).FirstOrDefault();

    /// <summary>Met, or missed with how far off: the share of the target reached.</summary>
    private static string Verdict(bool met, double reached) =>
        met ? "met" : string.Create(CultureInfo.InvariantCulture, $"**missed**: {reached:P0} of the target");

    private static int Order(string workload) => workload switch
    {
        _ when workload.StartsWith("direct", StringComparison.Ordinal) => 0,
        _ when workload.StartsWith("group", StringComparison.Ordinal) => 1,
        _ => 2,
    };

    private static string Mib(long? bytes) => bytes is { } b ? (b / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " MiB" : "n/a";

    private static double MemoryGiB()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
    }
}
