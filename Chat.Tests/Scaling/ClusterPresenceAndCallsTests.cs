using Chat.Messaging.Calls;
using Chat.Messaging.Fanout;
using Chat.Messaging.Presence;
using Chat.Messaging.Redis;
using Chat.Tests.Infrastructure;
using StackExchange.Redis;

namespace Chat.Tests.Scaling;

/// <summary>
/// Presence and calls, whose state changes run as Redis scripts, on a Redis Cluster of three shards: the scripts
/// touch only keys of one slot, so the cluster runs them instead of refusing them (CROSSSLOT), and what they
/// decide reaches the other node. Two in-process nodes with the realtime node's messaging domain share the cluster
/// and the test system's PostgreSQL.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterPresenceAndCallsTests(ChatApp chat) : DistributedTest(chat)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Presence_transitions_and_a_call_from_ring_to_end_run_on_a_cluster_and_reach_the_other_node()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await RedisCluster.StartAsync(3, ct);
        var database = await Chat.ConnectionStringAsync("chatdb");
        await using var nodeA = InProcessNode.Create(cluster.ConnectionString, database);
        await using var nodeB = InProcessNode.Create(cluster.ConnectionString, database);
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);

        // Bob on node B; Alice comes online on node A and leaves again: Bob's node gets both, in order.
        await nodeB.Presence.ConnectedAsync(bob.Id, bob.Tokens.DeviceId, "bob-1");
        await nodeA.Presence.ConnectedAsync(alice.Id, alice.Tokens.DeviceId, "alice-1");
        await nodeA.Presence.DisconnectedAsync(alice.Id, "alice-1");
        await Eventually.HoldsAsync(() => PresenceOf(nodeB, alice.Id).Count == 2, Wait, () => Describe(nodeB));
        Assert.Equal([true, false], PresenceOf(nodeB, alice.Id).Select(p => p.Online));
        Assert.NotNull(PresenceOf(nodeB, alice.Id)[1].LastSeenAt);

        // An "online" published late, after the "offline" that followed it, is dropped by the receiving node.
        var stale = RedisWire.WriteUserEvent(ChatEvents.Presence, new PresenceStatus(alice.Id, true, null), [bob.Id],
            version: new EventVersion(RedisNames.Transitions(alice.Id).ToString(), 1));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString);
        await redis.GetSubscriber().PublishAsync(RedisNames.NodeUserEvents(nodeB.Identity.Id), stale);
        var marker = new TypingEvent(conversation, alice.Id);
        await redis.GetSubscriber().PublishAsync(RedisNames.NodeUserEvents(nodeB.Identity.Id),
            RedisWire.WriteUserEvent(ChatEvents.Typing, marker, [bob.Id]));
        await Eventually.HoldsAsync(() => nodeB.Received.Any(e => e.Name == ChatEvents.Typing), Wait, () => Describe(nodeB));
        Assert.Equal(2, PresenceOf(nodeB, alice.Id).Count);

        // Unless Redis lost writes and the counter went back to that value: then the event is current, and goes through.
        await redis.GetDatabase().StringSetAsync(RedisNames.Transitions(alice.Id), 1);
        await redis.GetSubscriber().PublishAsync(RedisNames.NodeUserEvents(nodeB.Identity.Id), stale);
        await Eventually.HoldsAsync(() => PresenceOf(nodeB, alice.Id).Count == 3, Wait, () => Describe(nodeB));
        Assert.True(PresenceOf(nodeB, alice.Id)[2].Online);

        // Alice (back on node A) calls Bob; Bob answers on node B; Alice hangs up.
        await nodeA.Presence.ConnectedAsync(alice.Id, alice.Tokens.DeviceId, "alice-2");
        var aliceDevice = new CallDevice(alice.Id, alice.Tokens.DeviceId, "alice-2");
        var bobDevice = new CallDevice(bob.Id, bob.Tokens.DeviceId, "bob-1");
        var started = await nodeA.Calls.StartAsync(aliceDevice, new StartCallRequest(conversation), ct);
        Assert.Null(started.Error);
        var callId = started.Value.CallId;
        await Eventually.HoldsAsync(() => CallEventsOf(nodeB, callId).Contains(CallEventTypes.Ringing), Wait, () => Describe(nodeB));

        var accepted = await nodeB.Calls.AcceptAsync(bobDevice, new CallRequest(callId), ct);
        Assert.Null(accepted.Error);
        Assert.Equal(CallStates.Active, accepted.Value.State);
        await Eventually.HoldsAsync(() => CallEventsOf(nodeA, callId).Contains(CallEventTypes.Joined), Wait, () => Describe(nodeA));
        Assert.Single(await nodeB.CallRegistry.LiveCallsOfAsync(bob.Id));
        Assert.True(await nodeB.CallRegistry.RenewAsync(callId, bob.Tokens.DeviceId));

        var hungUp = await nodeA.Calls.HangUpAsync(aliceDevice, new CallRequest(callId));
        Assert.Null(hungUp.Error);
        Assert.Equal(CallOutcomes.Completed, hungUp.Value.Outcome);
        await Eventually.HoldsAsync(() => CallEventsOf(nodeB, callId).Contains(CallEventTypes.Ended), Wait, () => Describe(nodeB));
        Assert.Empty(await nodeB.CallRegistry.LiveCallsOfAsync(bob.Id));
        Assert.Equal(CallStates.Ended, (await nodeB.CallRegistry.ReadAsync(callId))!.State);
        // The sweep's claim runs on the cluster too (nothing of this call is due yet).
        Assert.DoesNotContain((await nodeA.CallRegistry.ClaimDueAsync(100, TimeSpan.FromSeconds(5))), e => e.Contains(callId.ToString("N")) && !e.StartsWith("record:"));
    }

    private static List<PresenceStatus> PresenceOf(InProcessNode node, Guid userId) =>
        node.Received.Where(e => e.Name == ChatEvents.Presence).Select(e => (PresenceStatus)e.ReadPayload()).Where(p => p.UserId == userId).ToList();

    private static List<string> CallEventsOf(InProcessNode node, Guid callId) =>
        node.Received.Where(e => e.Name == ChatEvents.Call).Select(e => (CallEvent)e.ReadPayload()).Where(c => c.Call.CallId == callId).Select(c => c.Type).ToList();

    private static string Describe(InProcessNode node) => "received: " + string.Join(", ", node.Received.Select(e => e.Name));
}
