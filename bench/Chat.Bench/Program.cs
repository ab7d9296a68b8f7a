using Chat.Bench;
using Chat.Bench.Targets;
using Chat.Bench.Workloads;
using Microsoft.Extensions.Configuration;

// Started by bench/run.sh, which starts the servers and passes their addresses and process ids.
var options = new ConfigurationBuilder().AddCommandLine(args).Build().Get<BenchOptions>() ?? new BenchOptions();
var sizes = options.Quick ? BenchSizes.Quick : BenchSizes.Full;
if (options.Seconds is { } seconds)
{
    sizes = sizes with { Duration = TimeSpan.FromSeconds(seconds) };
}

if (options.Clients is { } clientCount)
{
    sizes = sizes with { DirectClients = [clientCount] };
}

using var cancellation = new CancellationTokenSource(options.Quick ? TimeSpan.FromMinutes(5) : TimeSpan.FromHours(1));
var ct = cancellation.Token;

var only = options.Only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var targets = new List<(string Key, Func<IBenchTarget> Create)>
{
    ("chat", () => new ChatTarget(new Uri(options.ChatApi), BenchOptions.Uris(options.ChatNodes), options.JwtSigningKey, BenchOptions.Ids(options.ChatPids))),
    ("signalr", () => new SignalRPeerTarget(BenchOptions.Uris(options.SignalRNodes), BenchOptions.Ids(options.SignalRPids))),
    ("socketio", () => new SocketIoTarget(BenchOptions.Uris(options.SocketIoNodes), BenchOptions.Ids(options.SocketIoPids))),
    ("echo", () => new EchoTarget(new Uri(options.Echo), BenchOptions.Ids(options.EchoPid))),
}.Where(t => only.Length == 0 || only.Contains(t.Key)).Select(t => t.Create()).ToList();
var workloads = options.Workloads.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
bool Runs(string workload) => workloads.Length == 0 || workloads.Contains(workload);

// Whether a system's node is a .NET process, whose GC heap and JIT the idle workload reads (not socket.io's).
static bool DotnetNode(IBenchTarget target) => target is not SocketIoTarget;
var report = new Report(options);

// What PostgreSQL did for ours over each workload (batch sizes, lock waits, WAL), printed beside the workload's line.
string? PostgresOf(IBenchTarget target) => target.Stores ? options.PostgresConnection : null;

var usersOf = new Dictionary<IBenchTarget, IReadOnlyList<BenchUser>>();
foreach (var target in targets)
{
    report.Add(target);
    usersOf[target] = await target.CreateUsersAsync(sizes.Users, ct);
}

// The direct workloads of every system together, in turns (InTurns): a system measured minutes after another was
// not comparable with it on this shared machine.
foreach (var clients in Runs("direct") ? sizes.DirectClients : [])
{
    var fleets = new List<(IBenchTarget Target, Fleet Fleet, DirectMessages Direct)>();
    try
    {
        foreach (var target in targets)
        {
            var fleet = await Fleet.ConnectAsync(target, usersOf[target].Take(clients).ToList(), ct);
            fleets.Add((target, fleet, await DirectMessages.PrepareAsync(fleet, ct)));
        }

        if (clients == sizes.DirectClients[0])
        {
            // Unmeasured load first: the runtime compiles the hot paths again, optimised, during a service's first
            // seconds of load (its tiered JIT took a fifth of the machine here), which would otherwise count
            // against whichever workload came first.
            foreach (var (_, _, direct) in fleets)
            {
                await direct.ClosedLoopAsync(sizes.InFlight.Max(), sizes.ProcessWarmUp, TimeSpan.FromSeconds(1));
            }
        }

        var peaks = fleets.ToDictionary(f => f.Target, _ => 0.0);
        foreach (var inFlight in sizes.InFlight)
        {
            var runs = await InTurns.RunAsync(fleets, f => CommitStats.AroundAsync(PostgresOf(f.Target), () => f.Direct.ClosedLoopAsync(inFlight, sizes.WarmUp, sizes.Duration), ct));
            foreach (var ((target, _, _), result) in runs)
            {
                report.Add(result);
                peaks[target] = Math.Max(peaks[target], result.Rate);
            }
        }

        // Half of each system's own peak, so each is loaded alike relative to what it can do; runs of their own,
        // not combined (the steady-tail target is judged on each), in turns too. Ours three times over at the
        // largest size: the steady-tail target holds only if every run meets it.
        var openRuns = sizes.DirectClients.Length > 1 && clients == sizes.DirectClients.Max() ? 3 : 1;
        for (var run = 0; run < openRuns; run++)
        {
            foreach (var (target, _, direct) in run % 2 == 0 ? fleets : Enumerable.Reverse(fleets))
            {
                if (run == 0 || target.Stores)
                {
                    report.Add(await CommitStats.AroundAsync(PostgresOf(target), () => direct.OpenLoopAsync(Math.Max(1, peaks[target] / 2), sizes.WarmUp, sizes.Duration), ct));
                }
            }
        }
    }
    finally
    {
        foreach (var (_, fleet, _) in fleets)
        {
            await fleet.DisposeAsync();
        }
    }
}

// Idle connections: each system's node connects the devices once while its memory is read, then every system's
// timed rounds in turns (InTurns), for the same reason as the direct workloads.
var connecting = Runs("idle") ? targets.Where(t => t is ChatTarget or SignalRPeerTarget or SocketIoTarget).ToList() : [];
var memory = new Dictionary<IBenchTarget, IdleConnections.Memory>();
foreach (var target in connecting)
{
    memory[target] = await IdleConnections.MeasureMemoryAsync(target, usersOf[target], sizes.IdleConnections, DotnetNode(target), options.GcDumps, ct);
}

var connectTimes = await InTurns.RunAsync(connecting,
    async target => (IReadOnlyList<TimeSpan>)[await IdleConnections.TimeConnectsAsync(target, usersOf[target], sizes.IdleConnections, DotnetNode(target), ct)],
    (first, second) => [.. first, .. second]);
foreach (var target in connecting)
{
    var (before, after, coldConnectTime) = memory[target];
    report.Add(new IdleConnections.Result(target.Name, sizes.IdleConnections, before, after, connectTimes[target], coldConnectTime));
}

foreach (var target in targets)
{
    Console.WriteLine($"== {target.Name}");
    var users = usersOf[target];

    if (target.Routes && Runs("fanout"))
    {
        foreach (var members in sizes.GroupSizes)
        {
            await using var fleet = await Fleet.ConnectAsync(target, users.Take(members).ToList(), ct);
            report.Add(await GroupFanout.RunAsync(fleet, sizes.GroupMessages, ct));
        }
    }

    if (target is ChatTarget chatTarget && Runs("slow"))
    {
        foreach (var result in await SlowConsumer.RunAsync(chatTarget, users, sizes.DirectClients[0], sizes.SlowConsumerRate, sizes.WarmUp, sizes.Duration, ct))
        {
            report.Add(result);
        }
    }

    if (target is ChatTarget && Runs("e2ee"))
    {
        foreach (var members in new[] { 2, 100 })
        {
            report.Add(EncryptionCost.Measure(members, options.Quick ? 200 : 5000));
        }

        // Plain and encrypted in turns at each depth (InTurns). First an unmeasured run, so that neither pays for the
        // other's compilation.
        var encrypted = new EncryptedTarget(target);
        await using (var warming = await Fleet.ConnectAsync(encrypted, users.Take(sizes.DirectClients[0]).ToList(), ct))
        {
            await (await DirectMessages.PrepareAsync(warming, ct)).ClosedLoopAsync(sizes.InFlight.Max(), sizes.ProcessWarmUp, TimeSpan.FromSeconds(1));
        }

        foreach (var inFlight in sizes.InFlight)
        {
            var runs = await InTurns.RunAsync<IBenchTarget>([target, encrypted], async system =>
            {
                await using var fleet = await Fleet.ConnectAsync(system, users.Take(sizes.DirectClients[0]).ToList(), ct);
                var direct = await DirectMessages.PrepareAsync(fleet, ct);
                return await direct.ClosedLoopAsync(inFlight, sizes.WarmUp, sizes.Duration);
            });
            foreach (var result in runs.Values)
            {
                report.Add(result with { Workload = Report.EncryptionPairPrefix + result.Workload });
            }
        }
    }

    // Only when asked for: it needs six more nodes, whose idle work would weigh on every other workload's CPU. With
    // the bare SignalR peer in the run too, it runs beside ours on as many nodes, the two in turns.
    if (target is ChatTarget && workloads.Contains("scaleout") && options.ScaleNodes.Length > 0)
    {
        List<ScaleOut.ScaledSystem> systems =
        [
            new((nodes, pids) => new ChatTarget(new Uri(options.ChatApi), nodes, options.JwtSigningKey, pids),
                BenchOptions.Uris(options.ScaleNodes), BenchOptions.Ids(options.ScalePids), options.PostgresConnection),
        ];
        if (targets.Any(t => t is SignalRPeerTarget) && options.ScalePeerNodes.Length > 0)
        {
            systems.Add(new((nodes, pids) => new SignalRPeerTarget(nodes, pids), BenchOptions.Uris(options.ScalePeerNodes), BenchOptions.Ids(options.ScalePeerPids),
                PostgresConnection: null));
        }

        var scaled = await ScaleOut.RunAsync(systems, options.PostgresPid, options.RedisPid, sizes.DirectClients[0], sizes.InFlight.Max(),
            sizes.ProcessWarmUp, sizes.WarmUp, sizes.Duration, ct);
        report.AddScaleOut(scaled[0]);
        if (scaled.Count > 1)
        {
            report.AddScaleOutPeer(scaled[1]);
        }
    }

    if (target.Stores && Runs("storm"))
    {
        // Users of their own: an app at start loads its conversation list, which for the users above includes
        // groups of 1,000 and would make the set-up, not the storm, the long part.
        var stormUsers = await target.CreateUsersAsync(sizes.StormUsers, ct);
        report.Add(await ReconnectStorm.RunAsync(target, stormUsers, sizes.StormDevicesPerUser, sizes.StormMessages, ct));
    }

    await target.DisposeAsync();
}

if (Runs("floor") && options.PostgresConnection.Length > 0 && options.PostgresPid is { } postgres)
{
    // As many writers as our two nodes run (GroupCommitOptions.Writers, one each by default).
    report.Add(await PostgresFloor.RunAsync(options.PostgresConnection, postgres, writers: 2, sizes.WarmUp, sizes.FloorDuration, ct));
}

if (Runs("attachments") && options.StorageConnection.Length > 0 && (only.Length == 0 || only.Contains("chat")))
{
    report.Add(await AttachmentTransfer.RunAsync(new Uri(options.ChatApi), options.StorageConnection, options.Quick ? 1 : 11,
        options.Quick ? 1024 * 1024 : 10 * 1024 * 1024, ct));
}

if (Runs("push") && options.PostgresConnection.Length > 0 && (only.Length == 0 || only.Contains("chat")))
{
    report.Add(await PushWakeUp.RunAsync(new Uri(options.ChatApi), options.PostgresConnection, options.Quick ? 5 : 100,
        options.Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(60), ct));
}

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
await File.WriteAllTextAsync(options.Output, report.Render(targets.Select(t => t.Name).ToList()), ct);
Console.WriteLine($"wrote {options.Output}");
return 0;
