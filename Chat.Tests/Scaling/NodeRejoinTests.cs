using Chat.Messaging.Presence;
using Chat.Messaging.Redis;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Chat.Tests.Scaling;

/// <summary>
/// A node taken for dead while it was only frozen, on the test system's Redis and PostgreSQL: whatever a sweep of it
/// got through before it came back, its users still connected there are shown online again; and a node busy
/// registering its connections is not taken for dead.
/// </summary>
public sealed class NodeRejoinTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_node_back_from_a_sweep_that_failed_part_way_registers_its_connections_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var redisConnection = await Chat.ConnectionStringAsync("redis");
        await using var node = InProcessNode.Create(redisConnection, await Chat.ConnectionStringAsync("chatdb"));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConnection);
        var db = redis.GetDatabase();
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var held = new HeldConnections([(alice.Id, alice.Tokens.DeviceId, "alice-1"), (bob.Id, bob.Tokens.DeviceId, "bob-1")]);
        foreach (var (userId, deviceId, connectionId) in held.All())
        {
            await node.Presence.ConnectedAsync(userId, deviceId, connectionId);
        }

        using var heartbeat = new NodeHeartbeat(node.Get<IConnectionMultiplexer>(), node.Presence, node.Identity, held, NullLogger<NodeHeartbeat>.Instance);
        await heartbeat.StartAsync(ct);
        var nodeId = node.Identity.Id;
        await Eventually.HoldsAsync(() => db.SetContainsAsync(RedisNames.Nodes, nodeId), TimeSpan.FromSeconds(10), () => "the node never joined");

        // The node freezes past its alive key; a sweeper takes its lock, clears Alice's connection and dies before
        // the rest. Its lock outlasts the node's first upkeep round after the beat finds the key gone (at most two
        // intervals away), which must wait for it and try again. The node stays in the set of nodes, as a sweep's
        // last step was never reached.
        Assert.True(await db.LockTakeAsync(RedisNames.NodeSweepLock(nodeId), "a sweeper that died", 2 * NodeHeartbeat.Interval + TimeSpan.FromSeconds(2)));
        await db.KeyDeleteAsync(RedisNames.NodeAlive(nodeId));
        await node.Presence.RemoveAsync(nodeId, alice.Id, "alice-1");
        Assert.False(await db.HashExistsAsync(RedisNames.UserConnections(alice.Id), "alice-1"));

        await Eventually.HoldsAsync(() => db.HashExistsAsync(RedisNames.UserConnections(alice.Id), "alice-1"), TimeSpan.FromSeconds(25),
            () => "Alice, still connected to the node, stayed offline after it came back");
        Assert.True(await db.SetContainsAsync(RedisNames.NodeConnections(nodeId), RedisNames.NodeConnection(alice.Id, "alice-1")));
        Assert.True(await db.HashExistsAsync(RedisNames.UserConnections(bob.Id), "bob-1"));
        Assert.True(await db.SetContainsAsync(RedisNames.Nodes, nodeId));
        await Eventually.HoldsAsync(async () => !await db.KeyExistsAsync(RedisNames.NodeSweepLock(nodeId)), TimeSpan.FromSeconds(5),
            () => "the node kept its own sweep lock after registering its connections again");
        await heartbeat.StopAsync(ct);
        await node.Presence.DisconnectedAsync(alice.Id, "alice-1");
        await node.Presence.DisconnectedAsync(bob.Id, "bob-1");
        await db.SetRemoveAsync(RedisNames.Nodes, nodeId);
        await db.KeyDeleteAsync(RedisNames.NodeConnections(nodeId));
    }

    [Fact]
    public async Task A_node_keeps_its_alive_key_while_registering_its_connections_takes_longer_than_the_key_lasts()
    {
        var ct = TestContext.Current.CancellationToken;
        var redisConnection = await Chat.ConnectionStringAsync("redis");
        await using var node = InProcessNode.Create(redisConnection, await Chat.ConnectionStringAsync("chatdb"));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConnection);
        var db = redis.GetDatabase();
        using var slow = new SlowConnections();
        using var heartbeat = new NodeHeartbeat(node.Get<IConnectionMultiplexer>(), node.Presence, node.Identity, slow, NullLogger<NodeHeartbeat>.Instance);
        await heartbeat.StartAsync(ct);
        var nodeId = node.Identity.Id;
        try
        {
            // The node finds its alive key gone and registers its connections again, which stands for thousands of
            // them: it lasts past the alive key, and the node must not be taken for dead (and swept) meanwhile.
            await Eventually.HoldsAsync(() => db.SetContainsAsync(RedisNames.Nodes, nodeId), TimeSpan.FromSeconds(10), () => "the node never joined");
            // A new node has nothing to register again: nothing of it can have been swept before it joined.
            await Task.Delay(2 * NodeHeartbeat.Interval + TimeSpan.FromSeconds(1), ct);
            Assert.False(slow.Listing, "a new node registered its connections again at start, as if it had been taken for dead");

            await db.KeyDeleteAsync(RedisNames.NodeAlive(nodeId));
            await Eventually.HoldsAsync(() => slow.Listing, TimeSpan.FromSeconds(20), () => "the node never began to register its connections");
            var until = DateTime.UtcNow + NodeHeartbeat.AliveFor + NodeHeartbeat.Interval;
            while (DateTime.UtcNow < until)
            {
                Assert.True(await db.KeyExistsAsync(RedisNames.NodeAlive(nodeId)), "the node's alive key lapsed while it registered its connections");
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
        finally
        {
            slow.Release();
            await heartbeat.StopAsync(ct);
            await db.SetRemoveAsync(RedisNames.Nodes, nodeId);
            await db.KeyDeleteAsync(RedisNames.NodeAlive(nodeId));
        }
    }

    /// <summary>A node whose list of connections takes until the test lets go.</summary>
    private sealed class SlowConnections : INodeConnections, IDisposable
    {
        private readonly ManualResetEventSlim _released = new();

        private volatile bool _listing;

        public bool Listing => _listing;

        public IReadOnlyList<(Guid UserId, Guid DeviceId, string ConnectionId)> All()
        {
            _listing = true;
            _released.Wait(TimeSpan.FromMinutes(1));
            return [];
        }

        public bool Holds(Guid userId, string connectionId) => false;

        public void Release() => _released.Set();

        public void Dispose() => _released.Dispose();
    }

    private sealed class HeldConnections(IReadOnlyList<(Guid UserId, Guid DeviceId, string ConnectionId)> held) : INodeConnections
    {
        public IReadOnlyList<(Guid UserId, Guid DeviceId, string ConnectionId)> All() => held;

        public bool Holds(Guid userId, string connectionId) => held.Any(c => c.UserId == userId && c.ConnectionId == connectionId);
    }
}
