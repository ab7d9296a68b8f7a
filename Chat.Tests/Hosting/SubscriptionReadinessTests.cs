using Chat.Messaging.Redis;
using Chat.Realtime;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Chat.Tests.Hosting;

/// <summary>A realtime node is ready only while its Redis subscriptions carry its own probes back to it.</summary>
public sealed class SubscriptionReadinessTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Every_node_is_ready_through_probes_on_each_channel_it_subscribes_to()
    {
        foreach (var node in Chat.RealtimeNodes)
        {
            using var http = new HttpClient { BaseAddress = node.Address };
            var health = await http.GetAsync("/health", TestContext.Current.CancellationToken);
            Assert.True(health.IsSuccessStatusCode, $"{node.ResourceId}: {await health.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }
    }

    [Fact]
    public async Task A_subscription_lost_without_an_error_makes_the_check_unhealthy()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await Chat.ConnectionStringAsync("redis"));
        var probes = new SubscriptionProbes(redis);
        var channel = RedisChannel.Literal($"test:probe:{Guid.NewGuid():N}");
        var received = new List<RedisValue>();
        var subscription = await redis.GetSubscriber().SubscribeAsync(channel);
        subscription.OnMessage(message =>
        {
            if (!probes.Received(message.Message))
            {
                received.Add(message.Message);
            }
        });
        var check = new SubscriptionHealthCheck(probes, [channel]);
        var context = new HealthCheckContext();

        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context, TestContext.Current.CancellationToken)).Status);
        Assert.Empty(received);

        // The handler is gone but nothing failed: only the probe notices.
        await subscription.UnsubscribeAsync();
        var result = await check.CheckHealthAsync(context, TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains(channel.ToString(), result.Description);
    }
}
