using System.Collections.Concurrent;
using Chat.Messaging.Fanout;
using Chat.Messaging.Messages;
using Chat.Messaging.Redis;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Chat.Tests.Scaling;

/// <summary>
/// The message fan-out on a Redis Cluster of three shards: each node's channel is a sharded channel, so a
/// publication goes to the shard that owns it, and each node receives only the events of its own users.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterFanoutTests
{
    [Fact]
    public async Task Each_node_receives_only_the_events_of_its_users_in_order_and_a_group_event_once_per_node()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await RedisCluster.StartAsync(3, ct);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString);
        Assert.Equal(3, redis.GetServers().Count(s => s.ServerType == ServerType.Cluster && !s.IsReplica));

        // Six nodes, so that their channels fall on more than one shard; each holds one user's connection.
        var nodes = Enumerable.Range(0, 6).Select(i => $"node{i}-{Guid.NewGuid():N}").ToList();
        var users = nodes.Select(_ => Guid.NewGuid()).ToList();
        var received = nodes.ToDictionary(n => n, _ => new ConcurrentQueue<FanoutEnvelope>());
        var db = redis.GetDatabase();
        for (var i = 0; i < nodes.Count; i++)
        {
            await db.HashSetAsync(RedisNames.UserConnections(users[i]), $"connection-{i}", RedisNames.ConnectionValue(nodes[i], Guid.NewGuid()));
            var node = nodes[i];
            var queue = await redis.GetSubscriber().SubscribeAsync(RedisNames.NodeMessages(node));
            queue.OnMessage(message =>
            {
                foreach (var envelope in RedisWire.ReadMessages(message.Message))
                {
                    received[node].Enqueue(envelope);
                }
            });
        }

        var shardsWithChannels = nodes.Select(n => redis.GetServer(redis.GetEndPoints().First()).ClusterConfiguration!.GetBySlot(RedisNames.NodeMessages(n).ToString())!.EndPoint)
            .Distinct().Count();
        Assert.True(shardsWithChannels > 1, "all six channels hashed to one shard: the test would not show sharding");

        await using var fanout = new MessageFanout(redis, new RecipientNodes(redis), TestMeters.Factory, NullLogger<MessageFanout>.Instance);
        // Direct conversations between user i and user i+1, 20 events each, and one group of everyone.
        var direct = Enumerable.Range(0, nodes.Count).Select(_ => Guid.NewGuid()).ToList();
        var group = Guid.NewGuid();
        for (var seq = 1; seq <= 20; seq++)
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                fanout.Publish(Envelope(direct[i], seq, [users[i], users[(i + 1) % nodes.Count]]));
            }
        }

        fanout.Publish(Envelope(group, 1, users));
        // Nobody connected: published nowhere.
        fanout.Publish(Envelope(Guid.NewGuid(), 1, [Guid.NewGuid(), Guid.NewGuid()]));

        await Eventually.HoldsAsync(() => received.Values.All(q => q.Count >= 41), TimeSpan.FromSeconds(20),
            () => string.Join(", ", received.Values.Select(q => q.Count)));
        await Task.Delay(300, ct);
        for (var i = 0; i < nodes.Count; i++)
        {
            var mine = received[nodes[i]].ToList();
            // Its own two direct conversations (as first and as second member), each in seq order, and the group once.
            var expected = new[] { direct[i], direct[(i + nodes.Count - 1) % nodes.Count], group }.ToHashSet();
            Assert.All(mine, e => Assert.Contains(e.Event.ConversationId, expected));
            Assert.Equal(41, mine.Count);
            foreach (var conversation in expected)
            {
                var seqs = mine.Where(e => e.Event.ConversationId == conversation).Select(e => e.Event.Seq).ToList();
                Assert.Equal(Enumerable.Range(1, conversation == group ? 1 : 20).Select(s => (long)s), seqs);
            }
        }
    }

    private static FanoutEnvelope Envelope(Guid conversation, long seq, IReadOnlyList<Guid> recipients) =>
        new(new MessageEvent(Guid.NewGuid(), conversation, seq, "text", recipients[0], Guid.NewGuid(), $"c{seq}", "x", null, DateTimeOffset.UtcNow),
            recipients, null);
}
