using Chat.Messaging.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Messaging.Presence;

/// <summary>
/// Keeps this node's alive key fresh and clears the connections of nodes whose key expired, so that users of a
/// node that died without saying goodbye go offline within <see cref="AliveFor"/> plus one <see cref="Interval"/>.
/// </summary>
public sealed partial class NodeHeartbeat(IConnectionMultiplexer redis, PresenceTracker presence, NodeIdentity node, ILogger<NodeHeartbeat> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan AliveFor = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var db = redis.GetDatabase();
                await db.StringSetAsync(RedisNames.NodeAlive(node.Id), "1", AliveFor);
                await db.SetAddAsync(RedisNames.Nodes, node.Id);
                await SweepDeadNodesAsync(db);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Redis or PostgreSQL (the sweep announces presence) may be away for a while; the next beat retries.
                LogHeartbeatFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SweepDeadNodesAsync(IDatabase db)
    {
        foreach (var other in await db.SetMembersAsync(RedisNames.Nodes))
        {
            var otherId = other.ToString();
            if (otherId == node.Id || await db.KeyExistsAsync(RedisNames.NodeAlive(otherId)))
            {
                continue;
            }

            // One surviving node sweeps; the lock outlives a sweep so the others skip it.
            if (!await db.StringSetAsync(RedisNames.NodeSweepLock(otherId), node.Id, TimeSpan.FromMinutes(1), When.NotExists))
            {
                continue;
            }

            var members = await db.SetMembersAsync(RedisNames.NodeConnections(otherId));
            LogSweeping(otherId, members.Length);
            foreach (var member in members)
            {
                if (RedisNames.ParseNodeConnection(member.ToString()) is var (userId, connectionId))
                {
                    await presence.RemoveAsync(otherId, userId, connectionId);
                }
            }

            await db.KeyDeleteAsync(RedisNames.NodeConnections(otherId));
            await db.SetRemoveAsync(RedisNames.Nodes, otherId);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Realtime node {NodeId} stopped answering; clearing its {Count} connection(s)")]
    private partial void LogSweeping(string nodeId, int count);

    [LoggerMessage(2, LogLevel.Warning, "Presence heartbeat failed")]
    private partial void LogHeartbeatFailed(Exception exception);
}
