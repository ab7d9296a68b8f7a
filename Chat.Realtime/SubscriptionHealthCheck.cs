using Chat.Messaging.Presence;
using Chat.Messaging.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Chat.Realtime;

/// <summary>
/// Ready only while every channel the node subscribes to carries a probe from this node back to it: a node that
/// cannot hear the other nodes would take clients and never deliver to them.
/// </summary>
public sealed class SubscriptionHealthCheck(SubscriptionProbes probes, IReadOnlyList<RedisChannel> channels) : IHealthCheck
{
    public const string Name = "redis-subscriptions";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    [ActivatorUtilitiesConstructor]
    public SubscriptionHealthCheck(SubscriptionProbes probes, NodeIdentity node) : this(probes, SubscriptionProbes.NodeChannels(node.Id))
    {
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var returned = await Task.WhenAll(channels.Select(channel => probes.RoundTripAsync(channel, Timeout, cancellationToken)));
        var silent = channels.Where((_, i) => !returned[i]).Select(c => c.ToString()).ToList();
        return silent.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"No probe came back on {string.Join(", ", silent)} within {Timeout.TotalSeconds} s.");
    }
}
