using System.Diagnostics;
using Chat.Bench.Targets;

namespace Chat.Bench.Workloads;

/// <summary>
/// Every client drops at once; while they are away, each conversation gets new messages; then all reconnect at
/// once and Sync. The figure is the time from the reconnect until every client has every message it missed,
/// and each client's own time to catch up. Ours only: the peers store nothing to catch up from.
/// </summary>
public static class ReconnectStorm
{
    public static async Task<WorkloadResult> RunAsync(IBenchTarget target, IReadOnlyList<BenchUser> users, int devicesPerUser, int messagesPerConversation, CancellationToken cancellationToken)
    {
        var count = users.Count;

        // Device d of user u is client u * devicesPerUser + d; user u talks with u + 1 on the ring.
        var deviceUsers = users.SelectMany(u => Enumerable.Repeat(u, devicesPerUser)).ToList();
        await using var away = await Fleet.ConnectAsync(target, deviceUsers, cancellationToken);
        await using var senders = await Fleet.ConnectAsync(target, users, cancellationToken);
        var conversations = new string[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (u, ct) => conversations[u] = await target.DirectChannelAsync(users[u], users[(u + 1) % count], ct));

        await Parallel.ForEachAsync(away.Clients, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (client, _) => await client.DropAsync());

        var unsent = new int[count];

        // While they are away: user u sends to user u + 1, so each device misses messagesPerConversation messages.
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (u, _) =>
        {
            for (var m = 0; m < messagesPerConversation; m++)
            {
                try
                {
                    await senders.Clients[u].SendAsync(conversations[u], Payloads.Create(u, Stopwatch.GetTimestamp()));
                }
                catch (Exception e) when (e is InvalidOperationException or Microsoft.AspNetCore.SignalR.HubException or IOException)
                {
                    // Not acknowledged, so not expected: the receivers' count below must not include it.
                    Interlocked.Increment(ref unsent[(u + 1) % count]);
                }
            }
        });

        var received = new int[away.Clients.Count];
        long delivered = 0;
        away.OnMessage = (index, _) =>
        {
            Interlocked.Increment(ref received[index]);
            Interlocked.Increment(ref delivered);
        };

        var perClient = new LatencyRecorder();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(away.Clients.Select(async client =>
        {
            await client.ReconnectAsync();
            await client.CatchUpAsync();
            perClient.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }));
        var elapsed = Stopwatch.GetElapsedTime(started);

        var missing = received.Where((r, i) => r != messagesPerConversation - unsent[i / devicesPerUser]).Count();
        return new WorkloadResult(target.Name, $"reconnect storm, {away.Clients.Count} clients, {messagesPerConversation} missed each",
            Interlocked.Read(ref delivered), elapsed, perClient.Take(), missing,
            missing > 0 ? $"{missing} clients did not end with exactly the messages acknowledged while they were away"
                : unsent.Sum() > 0 ? $"{unsent.Sum()} sends failed and were not expected" : null);
    }
}
