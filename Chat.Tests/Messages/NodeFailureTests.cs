using System.Collections.Concurrent;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Messages;

/// <summary>These tests kill a realtime node, so they run alone, after the tests that use both nodes.</summary>
[CollectionDefinition(nameof(NodeFailureTests), DisableParallelization = true)]
public sealed class NodeFailureCollection;

[Collection(nameof(NodeFailureTests))]
public sealed class NodeFailureTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Clients_of_a_killed_node_reconnect_to_the_other_sync_and_hold_every_acknowledged_message_once()
    {
        var (victim, survivor) = (Chat.RealtimeNodes[0], Chat.RealtimeNodes[1]);
        var carol = await TestUser.RegisterAsync(Chat); // sends from the node that dies
        var dave = await TestUser.RegisterAsync(Chat);  // sends from the node that survives
        var bob = await TestUser.RegisterAsync(Chat);   // reads on the node that dies
        var group = await Conversations.GroupAsync(Chat, carol, [dave, bob]);

        var carolClient = await ChatClient.ConnectAsync(victim, carol.Tokens.AccessToken);
        var bobOnVictim = await ChatClient.ConnectAsync(victim, bob.Tokens.AccessToken);
        await using var daveClient = await ChatClient.ConnectAsync(survivor, dave.Tokens.AccessToken);

        var acknowledged = new ConcurrentDictionary<Guid, MessageAck>();
        var carolIds = Enumerable.Range(0, 200).Select(i => $"carol-{i}-{Guid.NewGuid():N}").ToList();
        var carolAcked = new ConcurrentBag<string>();

        async Task CarolSends(ChatClient client, IEnumerable<string> ids)
        {
            foreach (var id in ids)
            {
                var ack = await client.SendPacedAsync(group, id, id);
                acknowledged[ack.MessageId] = ack;
                carolAcked.Add(id);
            }
        }

        async Task DaveSends()
        {
            for (var i = 0; i < 200; i++)
            {
                var ack = await daveClient.SendPacedAsync(group, $"dave-{i}");
                acknowledged[ack.MessageId] = ack;
                await Task.Delay(5, TestContext.Current.CancellationToken);
            }
        }

        var carolBurst = CarolSends(carolClient, carolIds);
        var daveBurst = DaveSends();
        await bobOnVictim.WaitUntilAsync(c => c.MessagesIn(group).Count >= 40);
        Chat.KillRealtimeNode(victim);

        // Carol's calls on the dead node fail; she reconnects to the survivor and resends what was not
        // acknowledged, with the same client ids: whatever the dead node had committed is not stored twice.
        await Assert.ThrowsAnyAsync<Exception>(() => carolBurst);
        await using var carolAgain = await ChatClient.ConnectAsync(survivor, carol.Tokens.AccessToken);
        await CarolSends(carolAgain, carolIds.Except(carolAcked).ToList());
        await daveBurst;

        // Bob reconnects to the survivor and syncs from the last seq he applied.
        var seen = bobOnVictim.MessagesIn(group).ToList();
        await using var bobAgain = await ChatClient.ConnectAsync(survivor, bob.Tokens.AccessToken);
        var cursor = seen.Count > 0 ? seen.Max(m => m.Seq) : 0;
        SyncResult page;
        do
        {
            page = await bobAgain.SyncAsync([(group, cursor)], limit: 200);
            seen.AddRange(page.Messages);
            cursor = page.Messages.Count > 0 ? page.Messages[^1].Seq : cursor;
        }
        while (page.HasMore);

        var bySeq = seen.GroupBy(m => m.Seq).ToDictionary(g => g.Key, g => g.First());
        Assert.Equal(400, acknowledged.Count);
        Assert.Equal(400, bySeq.Count);
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), bySeq.Keys.Order());
        Assert.All(acknowledged.Values, ack => Assert.Equal(ack.MessageId, bySeq[ack.Seq].MessageId));
        Assert.Equal(400, bySeq.Values.Select(m => m.Content).Distinct().Count());

        await carolClient.DisposeAsync();
        await bobOnVictim.DisposeAsync();
        await Chat.RestartRealtimeNodeAsync(victim);
    }

    [Fact]
    public async Task Users_of_a_killed_node_are_shown_offline_within_30_seconds()
    {
        var (victim, survivor) = (Chat.RealtimeNodes[0], Chat.RealtimeNodes[1]);
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        await Conversations.DirectAsync(Chat, alice, bob);

        await using var bobClient = await ChatClient.ConnectAsync(survivor, bob.Tokens.AccessToken);
        var aliceClient = await ChatClient.ConnectAsync(victim, alice.Tokens.AccessToken);
        await bobClient.WaitUntilAsync(c => c.Presence.Any(p => p.UserId == alice.Id && p.Online));
        using var bobApi = bob.Api(Chat);
        Assert.True((await ApiClient.ReadAsync<JsonElement>(await bobApi.GetAsync($"/api/users/{alice.Id}/presence"))).GetProperty("online").GetBoolean());

        var killedAt = DateTimeOffset.UtcNow;
        Chat.KillRealtimeNode(victim);
        await bobClient.WaitUntilAsync(c => c.Presence.Any(p => p.UserId == alice.Id && !p.Online), TimeSpan.FromSeconds(30));
        var offline = bobClient.Presence.Last(p => p.UserId == alice.Id);
        Assert.True(offline.LastSeenAt >= killedAt.AddSeconds(-1), "lastSeenAt is when the node was found dead, not earlier");
        var presence = await ApiClient.ReadAsync<JsonElement>(await bobApi.GetAsync($"/api/users/{alice.Id}/presence"));
        Assert.False(presence.GetProperty("online").GetBoolean());

        await aliceClient.DisposeAsync();
        await Chat.RestartRealtimeNodeAsync(victim);
    }
}
