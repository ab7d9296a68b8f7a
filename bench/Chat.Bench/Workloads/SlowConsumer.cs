using Chat.Bench.Targets;

namespace Chat.Bench.Workloads;

/// <summary>
/// Direct traffic between pairs (the direct workload's ring, at a fixed rate) while four members flood a group with
/// 60 KiB messages; run first with every member reading, then with one member's device on node 0 that has stopped
/// reading its socket. Ours only: the device is one of ours, and what is measured is whether it costs the pairs
/// anything. The second row's note says whether the node cut the stalled device off (its presence went offline).
/// </summary>
public static class SlowConsumer
{
    private const int Flooders = 4;
    private static readonly string LargeContent = new('x', 60 * 1024);

    /// <summary>Each flooder's pace: 4 × 25 × 60 KiB, about 6 MB/s into each member's connection.</summary>
    private static readonly TimeSpan FloodInterval = TimeSpan.FromMilliseconds(40);

    /// <summary>The node's default <c>Outbox:StallTimeout</c> and a margin: by then the stalled device must be gone.</summary>
    private static readonly TimeSpan CutOffWithin = TimeSpan.FromSeconds(35);

    public static async Task<IReadOnlyList<WorkloadResult>> RunAsync(
        ChatTarget target, IReadOnlyList<BenchUser> users, int pairClients, double rate, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        var flooders = users.Take(Flooders).ToList();
        var stalledUser = users[Flooders];
        var group = await target.GroupChannelAsync([.. flooders, stalledUser], cancellationToken);
        await using var floodFleet = await Fleet.ConnectAsync(target, flooders, cancellationToken);
        await using var pairFleet = await Fleet.ConnectAsync(target, users.Skip(Flooders + 1).Take(pairClients).ToList(), cancellationToken);
        var direct = await DirectMessages.PrepareAsync(pairFleet, cancellationToken);

        // Unmeasured first: the first seconds of a flood of large messages cost the nodes more (buffers grow, code
        // is compiled again, optimised), which would count against whichever run came first.
        await BesideFloodAsync(floodFleet, group, () => direct.OpenLoopAsync(rate, warmUp, duration));
        var control = await BesideFloodAsync(floodFleet, group, () => direct.OpenLoopAsync(rate, warmUp, duration));

        await using var stalled = await target.ConnectStalledAsync(stalledUser, node: 0, cancellationToken);
        var cutOff = false;
        var beside = await BesideFloodAsync(floodFleet, group, async () =>
        {
            var measured = await direct.OpenLoopAsync(rate, warmUp, duration);

            // The flood goes on until the node has closed the stalled device (it shows offline) or the time is up.
            var deadline = DateTime.UtcNow + CutOffWithin;
            while (!(cutOff = !await target.IsOnlineAsync(flooders[0], stalledUser)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }

            return measured;
        });

        var name = $"slow consumer: direct, {pairClients} clients at {rate:F0}/s, beside a 60 KiB group flood";
        return
        [
            control with { Workload = $"{name}, every member reading" },
            beside with
            {
                Workload = $"{name}, one member stopped reading",
                Note = cutOff ? "the stalled device was cut off" : $"the stalled device was still connected {CutOffWithin.TotalSeconds:F0} s after the flood",
                Errors = beside.Errors + (cutOff ? 0 : 1),
            },
        ];
    }

    private static async Task<WorkloadResult> BesideFloodAsync(Fleet floodFleet, string group, Func<Task<WorkloadResult>> measure)
    {
        using var stop = new CancellationTokenSource();
        var flood = floodFleet.Clients.Select(client => Task.Run(async () =>
        {
            using var pace = new PeriodicTimer(FloodInterval);
            while (await pace.WaitForNextTickAsync() && !stop.IsCancellationRequested)
            {
                await client.SendAsync(group, LargeContent);
            }
        })).ToList();

        var result = await measure();
        await stop.CancelAsync();
        await Task.WhenAll(flood);
        return result;
    }
}
