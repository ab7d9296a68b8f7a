using Chat.Messaging.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Messaging.Presence;

/// <summary>
/// Keeps this node's alive key fresh and clears the connections of nodes whose key expired, so that users of a
/// node that died without saying goodbye go offline within <see cref="AliveFor"/> plus one <see cref="Interval"/>.
/// A node that was only frozen (paused, starved, cut off from Redis) past that time and comes back finds itself
/// swept (no longer in the set of nodes, which a sweep leaves last): it registers its connections again, so its
/// users, still connected, are shown online again, however long it was away.
/// </summary>
public sealed partial class NodeHeartbeat(
    IConnectionMultiplexer redis, PresenceTracker presence, NodeIdentity node, INodeConnections connections, ILogger<NodeHeartbeat> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan AliveFor = TimeSpan.FromSeconds(15);

    private bool _joined;

    /// <summary>A rejoin that failed part-way (Redis or PostgreSQL away): the next beat registers the connections again.</summary>
    private bool _rejoinUnfinished;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var db = redis.GetDatabase();
                await db.StringSetAsync(RedisNames.NodeAlive(node.Id), "1", AliveFor);

                // Absent from the set of nodes after the first beat: a sweep took this node for dead and, as its
                // last step, removed it, so its connections are gone from presence and it may register them again.
                if ((await db.SetAddAsync(RedisNames.Nodes, node.Id) && _joined) || _rejoinUnfinished)
                {
                    await RejoinAsync();
                }

                _joined = true;

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

            // One surviving node sweeps; the lock outlives a sweep so the others skip it. The node may have come
            // back between the look and the lock: then it is not swept.
            if (!await db.StringSetAsync(RedisNames.NodeSweepLock(otherId), node.Id, TimeSpan.FromMinutes(1), When.NotExists)
                || await db.KeyExistsAsync(RedisNames.NodeAlive(otherId)))
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

    /// <summary>
    /// Registers every local connection again; one that closed meanwhile is removed again, so none is left online
    /// without a connection.
    /// </summary>
    private async Task RejoinAsync()
    {
        var local = connections.All();
        LogRejoining(local.Count);
        _rejoinUnfinished = true;
        foreach (var (userId, deviceId, connectionId) in local)
        {
            await presence.ConnectedAsync(userId, deviceId, connectionId);
            if (!connections.Holds(userId, connectionId))
            {
                await presence.DisconnectedAsync(userId, connectionId);
            }
        }

        _rejoinUnfinished = false;
    }

    [LoggerMessage(3, LogLevel.Warning, "This node was taken for dead and swept; registering its {Count} connection(s) again")]
    private partial void LogRejoining(int count);

    [LoggerMessage(1, LogLevel.Warning, "Realtime node {NodeId} stopped answering; clearing its {Count} connection(s)")]
    private partial void LogSweeping(string nodeId, int count);

    [LoggerMessage(2, LogLevel.Warning, "Presence heartbeat failed")]
    private partial void LogHeartbeatFailed(Exception exception);
}
