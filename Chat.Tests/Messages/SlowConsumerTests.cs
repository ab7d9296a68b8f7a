using System.Collections.Concurrent;
using System.Diagnostics;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Messages;

/// <summary>
/// A connection that stops reading costs nobody else: while a group it belongs to is flooded with large messages,
/// another pair on the same node keeps its delivery latency, the stalled connection is closed, and the device then
/// reconnects and syncs every message once.
/// </summary>
public sealed class SlowConsumerTests(ChatApp chat) : DistributedTest(chat)
{
    private static readonly string LargeContent = new('x', 60 * 1024);
    private static readonly TimeSpan FloodFor = TimeSpan.FromSeconds(5);

    /// <summary>The node's <c>Outbox:StallTimeout</c> (its default), the longest a stalled connection may stay open.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_connection_that_stops_reading_is_cut_off_without_slowing_others_and_then_syncs_everything()
    {
        var node = Chat.RealtimeNodes[0];
        var stalled = await TestUser.RegisterAsync(Chat);
        var senders = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => TestUser.RegisterAsync(Chat)));
        var (pat, quinn) = (await TestUser.RegisterAsync(Chat), await TestUser.RegisterAsync(Chat));
        var group = await Conversations.GroupAsync(Chat, senders[0], [.. senders[1..], stalled]);
        var direct = await Conversations.DirectAsync(Chat, pat, quinn);

        var senderClients = await Task.WhenAll(senders.Select(s => ChatClient.ConnectAsync(Chat.RealtimeNodes[1], s.Tokens.AccessToken)));
        await using var patClient = await ChatClient.ConnectAsync(node, pat.Tokens.AccessToken);
        await using var quinnClient = await ChatClient.ConnectAsync(node, quinn.Tokens.AccessToken);
        var arrivals = new ConcurrentDictionary<string, long>();
        quinnClient.Connection.On<MessageEvent>("message", m => arrivals.TryAdd(m.ClientMessageId, Stopwatch.GetTimestamp()));
        try
        {
            // Control: the same flood and the same pair, with no stalled connection on the node.
            var control = await MeasureDuringFloodAsync(senderClients, group, patClient, direct, arrivals);

            await using var stalledClient = await StalledClient.ConnectAsync(node, stalled.Tokens.AccessToken);
            using var senderApi = senders[0].Api(Chat);
            await WaitForPresenceAsync(senderApi, stalled.Id, online: true, TimeSpan.FromSeconds(10));
            var floodStarted = Stopwatch.StartNew();
            var stalledRun = await MeasureDuringFloodAsync(senderClients, group, patClient, direct, arrivals);

            TestContext.Current.TestOutputHelper?.WriteLine(
                $"pair latency without a stalled connection: median {control.Median.TotalMilliseconds:F0} ms, max {control.Max.TotalMilliseconds:F0} ms; "
                + $"beside one: median {stalledRun.Median.TotalMilliseconds:F0} ms, max {stalledRun.Max.TotalMilliseconds:F0} ms");
            Assert.True(stalledRun.Median <= 2 * control.Median + TimeSpan.FromMilliseconds(100),
                $"the pair's median latency was {stalledRun.Median.TotalMilliseconds:F0} ms beside a stalled connection, {control.Median.TotalMilliseconds:F0} ms without");
            Assert.True(stalledRun.Max < TimeSpan.FromSeconds(3),
                $"a message of the pair waited {stalledRun.Max.TotalMilliseconds:F0} ms: delivery waited for the stalled connection");

            // Cut off within the stall timeout of the flood (well before, once its queue overflows); then it reads
            // what reached its socket and sees the connection end.
            await WaitForPresenceAsync(senderApi, stalled.Id, online: false, StallTimeout + TimeSpan.FromSeconds(5) - floodStarted.Elapsed);
            await stalledClient.ReadUntilClosedAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            foreach (var client in senderClients)
            {
                await client.DisposeAsync();
            }
        }

        // The device comes back, syncs, and holds every message of the group once.
        await using var resumed = await ChatClient.ConnectAsync(node, stalled.Tokens.AccessToken);
        var seqs = new List<long>();
        var (after, hasMore) = (0L, true);
        while (hasMore)
        {
            var page = await resumed.SyncAsync([(group, after)], limit: 200);
            seqs.AddRange(page.Messages.Where(m => m.ConversationId == group).Select(m => m.Seq));
            (after, hasMore) = (seqs.Count > 0 ? seqs[^1] : after, page.HasMore);
        }

        using var api = stalled.Api(Chat);
        var lastSeq = (await ApiClient.ReadAsync<System.Text.Json.JsonElement>(await api.GetAsync("/api/conversations")))
            .GetProperty("conversations").EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == group).GetProperty("lastSeq").GetInt64();
        Assert.True(lastSeq > 100, $"the flood stored only {lastSeq} messages");
        Assert.Equal(Enumerable.Range(1, (int)lastSeq).Select(i => (long)i), seqs);
    }

    private sealed record Latencies(TimeSpan Median, TimeSpan Max);

    /// <summary>
    /// Four members send 60 KiB messages to the group as fast as their rate limit lets them, while one of the pair
    /// sends the other a message every 250 ms; returns the pair's delivery latencies.
    /// </summary>
    private static async Task<Latencies> MeasureDuringFloodAsync(
        ChatClient[] senders, Guid group, ChatClient pat, Guid direct, ConcurrentDictionary<string, long> arrivals)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var flood = senders.Select(sender => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await sender.SendPacedAsync(group, LargeContent);
            }
        })).ToList();

        var sent = new Dictionary<string, long>();
        var until = Stopwatch.StartNew();
        while (until.Elapsed < FloodFor)
        {
            var id = Guid.NewGuid().ToString();
            sent[id] = Stopwatch.GetTimestamp();
            await pat.SendAsync(direct, "ping", id);
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        await stop.CancelAsync();
        await Task.WhenAll(flood);
        await Eventually.HoldsAsync(() => sent.Keys.All(arrivals.ContainsKey), TimeSpan.FromSeconds(30),
            () => $"{sent.Keys.Count(arrivals.ContainsKey)} of {sent.Count} of the pair's messages arrived");
        var latencies = sent.Select(s => Stopwatch.GetElapsedTime(s.Value, arrivals[s.Key])).Order().ToList();
        return new Latencies(latencies[latencies.Count / 2], latencies[^1]);
    }

    /// <summary>Asks the API for a user's presence, within the per-user rate limit, until it is the one wanted.</summary>
    private static async Task WaitForPresenceAsync(ApiClient api, Guid userId, bool online, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var presence = await ApiClient.ReadAsync<System.Text.Json.JsonElement>(await api.GetAsync($"/api/users/{userId}/presence"));
            if (presence.GetProperty("online").GetBoolean() == online)
            {
                return;
            }

            Assert.True(deadline.Elapsed < timeout, $"the stalled device was still {(online ? "offline" : "online")} after {timeout.TotalSeconds:F0} s");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }
}
