using System.Diagnostics;

namespace Chat.Bench.Workloads;

/// <summary>
/// One member sends to a group whose members are all online, over both nodes; each message's figure is the time
/// until the last member has it. Messages go one after another, each once the previous one reached everyone.
/// </summary>
public static class GroupFanout
{
    public static async Task<WorkloadResult> RunAsync(Fleet fleet, int messages, CancellationToken cancellationToken)
    {
        var members = fleet.Clients.Count;
        var channel = await fleet.Target.GroupChannelAsync(fleet.Users, cancellationToken);
        await Parallel.ForEachAsync(fleet.Clients, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (client, _) => await client.JoinAsync(channel));

        var lastMember = new LatencyRecorder();
        var remaining = 0;
        long delivered = 0, timedOut = 0;
        var everyone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long sentAt = 0;
        fleet.OnMessage = (index, payload) =>
        {
            if (index != 0 && Payloads.TryRead(payload, out _, out var stamp) && stamp == Interlocked.Read(ref sentAt))
            {
                Interlocked.Increment(ref delivered);
                if (Interlocked.Decrement(ref remaining) == 0)
                {
                    lastMember.Record(Payloads.MillisecondsSince(stamp));
                    everyone.TrySetResult();
                }
            }
        };

        var started = Stopwatch.GetTimestamp();
        for (var m = 0; m < messages; m++)
        {
            everyone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref remaining, members - 1);
            var stamp = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref sentAt, stamp);
            await fleet.Clients[0].SendAsync(channel, Payloads.Create(0, stamp));
            try
            {
                await everyone.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
            catch (TimeoutException)
            {
                timedOut++;
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        fleet.OnMessage = (_, _) => { };
        return new WorkloadResult(fleet.Target.Name, $"group fan-out, {members} members, last member", delivered, elapsed, lastMember.Take(), timedOut,
            timedOut > 0 ? $"{timedOut} of {messages} messages did not reach every member within 30 s" : null);
    }
}
