using System.Diagnostics;

namespace Chat.Bench.Workloads;

/// <summary>
/// Every client sends to random partners among its neighbours on a ring (each pair a direct conversation in
/// ours), so traffic crosses nodes: clients alternate between them. Latency is from send to the partner's receipt.
/// </summary>
public sealed class DirectMessages
{
    /// <summary>Neighbours at one and two places: on two nodes, half of the messages stay on the sender's node.</summary>
    public static readonly int[] NearestNeighbours = [1, 2, -1, -2];

    /// <summary>
    /// Neighbours at odd distances only: with clients alternating over an even number of nodes, every message
    /// crosses to another node, so the path a message takes is the same whatever the number of nodes.
    /// </summary>
    public static readonly int[] OnOtherNodes = [1, 3, -1, -3];

    private readonly Fleet _fleet;
    private readonly string[][] _channels;

    private DirectMessages(Fleet fleet, string[][] channels)
    {
        _fleet = fleet;
        _channels = channels;
    }

    public static async Task<DirectMessages> PrepareAsync(Fleet fleet, CancellationToken cancellationToken, int[]? partnerOffsets = null)
    {
        var offsets = partnerOffsets ?? NearestNeighbours;
        var count = fleet.Users.Count;
        var partners = Enumerable.Range(0, count)
            .Select(i => fleet.Target.Routes ? offsets.Select(o => ((i + o) % count + count) % count).Where(p => p != i).Distinct().ToArray() : [i])
            .ToArray();

        // One channel per unordered pair: ours has one direct conversation between two users.
        var pairs = new Dictionary<(int, int), string>();
        foreach (var (i, p) in partners.SelectMany((ps, i) => ps.Select(p => (i, p))))
        {
            pairs.TryAdd((Math.Min(i, p), Math.Max(i, p)), "");
        }

        var keys = pairs.Keys.ToList();
        var created = new string[keys.Count];
        await Parallel.ForAsync(0, keys.Count, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (k, ct) =>
        {
            var (a, b) = keys[k];
            created[k] = await fleet.Target.DirectChannelAsync(fleet.Users[a], fleet.Users[b], ct);
        });
        var byPair = keys.Select((key, k) => (key, created[k])).ToDictionary(x => x.key, x => x.Item2);

        // The peers address the recipient rather than a conversation.
        var channels = new string[count][];
        for (var i = 0; i < count; i++)
        {
            channels[i] = new string[partners[i].Length];
            for (var k = 0; k < partners[i].Length; k++)
            {
                var p = partners[i][k];
                channels[i][k] = fleet.Target.Stores
                    ? byPair[(Math.Min(i, p), Math.Max(i, p))]
                    : await fleet.Target.DirectChannelAsync(fleet.Users[i], fleet.Users[p], cancellationToken);
            }
        }

        return new DirectMessages(fleet, channels);
    }

    /// <summary>Closed loop: each client keeps <paramref name="inFlight"/> messages on their way, sending the next when one arrives.</summary>
    public async Task<WorkloadResult> ClosedLoopAsync(int inFlight, TimeSpan warmUp, TimeSpan duration)
    {
        var count = _fleet.Clients.Count;
        var windows = Enumerable.Range(0, count).Select(_ => new SemaphoreSlim(inFlight, inFlight)).ToArray();
        var latency = new LatencyRecorder();
        long delivered = 0, errors = 0;
        _fleet.OnMessage = (_, payload) =>
        {
            if (Payloads.TryRead(payload, out var sender, out var sentAt))
            {
                latency.Record(Payloads.MillisecondsSince(sentAt));
                Interlocked.Increment(ref delivered);
                windows[sender].Release();
            }
        };

        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await windows[i].WaitAsync(stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var pick = Random.Shared.Next(_channels[i].Length);
                _ = _fleet.Clients[i].SendAsync(_channels[i][pick], Payloads.Create(i, Stopwatch.GetTimestamp())).ContinueWith(t =>
                {
                    // A send that failed never arrives: count it and free its slot.
                    Interlocked.Increment(ref errors);
                    windows[i].Release();
                }, TaskContinuationOptions.OnlyOnFaulted);
            }
        })).ToArray();

        var (measured, elapsed, cpu, processes) = await MeasureAsync(latency, () => Interlocked.Read(ref delivered), warmUp, duration);
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        await Task.Delay(TimeSpan.FromSeconds(1));
        _fleet.OnMessage = (_, _) => { };
        return new WorkloadResult(_fleet.Target.Name, $"direct, {count} clients, closed loop, {inFlight} in flight",
            measured, elapsed, latency.Take(), Interlocked.Read(ref errors), MachineCpu: cpu, Processes: processes);
    }

    /// <summary>
    /// Open loop: messages leave at a fixed total rate whatever the system does, each timed from when it was due,
    /// so queueing shows in the latency instead of slowing the load (no coordinated omission).
    /// </summary>
    public async Task<WorkloadResult> OpenLoopAsync(double rate, TimeSpan warmUp, TimeSpan duration)
    {
        var count = _fleet.Clients.Count;
        var latency = new LatencyRecorder();
        long delivered = 0, errors = 0;
        _fleet.OnMessage = (_, payload) =>
        {
            if (Payloads.TryRead(payload, out _, out var dueAt))
            {
                latency.Record(Payloads.MillisecondsSince(dueAt));
                Interlocked.Increment(ref delivered);
            }
        };

        using var stop = new CancellationTokenSource();
        var pacing = Task.Run(async () =>
        {
            var start = Stopwatch.GetTimestamp();
            var ticksPerMessage = Stopwatch.Frequency / rate;
            long sent = 0;
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
            while (await timer.WaitForNextTickAsync() && !stop.IsCancellationRequested)
            {
                var due = (long)((Stopwatch.GetTimestamp() - start) / ticksPerMessage);
                for (; sent < due; sent++)
                {
                    var i = (int)(sent % count);
                    var dueAt = start + (long)(sent * ticksPerMessage);
                    var channel = _channels[i][Random.Shared.Next(_channels[i].Length)];
                    _ = _fleet.Clients[i].SendAsync(channel, Payloads.Create(i, dueAt))
                        .ContinueWith(_ => Interlocked.Increment(ref errors), TaskContinuationOptions.OnlyOnFaulted);
                }
            }
        });

        var (measured, elapsed, cpu, processes) = await MeasureAsync(latency, () => Interlocked.Read(ref delivered), warmUp, duration);
        await stop.CancelAsync();
        await pacing;
        await Task.Delay(TimeSpan.FromSeconds(2));
        _fleet.OnMessage = (_, _) => { };
        return new WorkloadResult(_fleet.Target.Name, $"direct, {count} clients, open loop at {rate:F0}/s",
            measured, elapsed, latency.Take(), Interlocked.Read(ref errors), MachineCpu: cpu, Processes: processes);
    }

    /// <summary>Drops what the warm-up recorded, then counts deliveries and the machine's busy CPU (and each process's) over the measured window.</summary>
    private static async Task<(long Delivered, TimeSpan Elapsed, TimeSpan MachineCpu, ProcessCpu Processes)> MeasureAsync(LatencyRecorder latency,
        Func<long> delivered, TimeSpan warmUp, TimeSpan duration)
    {
        await Task.Delay(warmUp);
        latency.Take();
        var before = delivered();
        var processesBefore = ProcessCpu.Snapshot();
        var cpuBefore = MachineCpu.Busy();
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(duration);
        var cpu = MachineCpu.Busy() - cpuBefore;
        var elapsed = Stopwatch.GetElapsedTime(started);
        return (delivered() - before, elapsed, cpu, ProcessCpu.Between(processesBefore, ProcessCpu.Snapshot()));
    }
}
