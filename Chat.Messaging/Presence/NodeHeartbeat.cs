using System.Diagnostics;
using Chat.Messaging.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Messaging.Presence;

/// <summary>
/// Keeps this node's alive key fresh and clears the connections of nodes whose key expired, so that users of a
/// node that died without saying goodbye go offline within <see cref="AliveFor"/> plus one <see cref="Interval"/>.
/// A node that was only frozen (paused, starved, cut off from Redis) past that time and comes back finds its key
/// gone: a sweep may have cleared all, some or none of its connections, so it registers them all again, so its
/// users, still connected, are shown online again, however long it was away and however far a sweep got.
/// </summary>
public sealed partial class NodeHeartbeat(
    IConnectionMultiplexer redis, PresenceTracker presence, NodeIdentity node, INodeConnections connections, ILogger<NodeHeartbeat> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan AliveFor = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a node's sweep lock lasts if its holder dies or loses Redis before letting go: until then no other
    /// node sweeps that node, and the node itself, come back, does not register its connections again.
    /// </summary>
    private static readonly TimeSpan SweepLockFor = TimeSpan.FromMinutes(1);

    /// <summary>
    /// 1 while this node has not yet registered all its connections again since its alive key was last seen gone, or
    /// since a beat failed (its answer lost, the key may have lapsed meanwhile). Set by the beat, cleared by the
    /// upkeep when it begins to register them. 0 at start: a node's name is new on every start (<see
    /// cref="NodeIdentity"/>), and no sweeper looks at it before its first beat puts it in the set of nodes, so
    /// nothing of a new node's can have been swept (registering at start logged "taken for dead" at every start).
    /// </summary>
    private int _rejoinPending;

    /// <summary>
    /// The beat (this node's alive key) and the upkeep (registering again, sweeping dead nodes) run side by side:
    /// a sweep or a rejoin of thousands of connections, one Redis and PostgreSQL call each, can outlast the alive
    /// key, and a node that stopped beating while it swept would itself be taken for dead and swept.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(BeatAsync(stoppingToken), KeepUpAsync(stoppingToken));

    private async Task BeatAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        // A new node's first beat finds no alive key of course: only a key gone after that means a lapse.
        var joined = false;
        do
        {
            try
            {
                var db = redis.GetDatabase();
                var wasAlive = !(await db.StringSetAndGetAsync(RedisNames.NodeAlive(node.Id), "1", AliveFor)).IsNull;
                // In the set of nodes at every beat, so that a node that dies is always found and swept, even while a
                // sweep that took it out still holds its lock.
                await db.SetAddAsync(RedisNames.Nodes, node.Id);
                if (!wasAlive && joined)
                {
                    Volatile.Write(ref _rejoinPending, 1);
                }

                joined = true;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Redis may be away for a while; the next beat retries. The alive key may have lapsed meanwhile, and a
                // sweep begun: register everything again.
                Volatile.Write(ref _rejoinPending, 1);
                LogHeartbeatFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task KeepUpAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // Cleared before registering, so a lapse the beat sees meanwhile asks for another round.
            var rejoin = Interlocked.Exchange(ref _rejoinPending, 0) == 1;
            try
            {
                var db = redis.GetDatabase();
                if (rejoin && !await TryRejoinAsync(db, stoppingToken))
                {
                    Volatile.Write(ref _rejoinPending, 1);
                }

                await SweepDeadNodesAsync(db, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Redis or PostgreSQL (the sweep announces presence) may be away for a while; the next round retries.
                if (rejoin)
                {
                    Volatile.Write(ref _rejoinPending, 1);
                }

                LogUpkeepFailed(e);
            }
        }
    }

    private async Task SweepDeadNodesAsync(IDatabase db, CancellationToken stoppingToken)
    {
        foreach (var other in await db.SetMembersAsync(RedisNames.Nodes))
        {
            var otherId = other.ToString();
            if (otherId == node.Id || await db.KeyExistsAsync(RedisNames.NodeAlive(otherId)))
            {
                continue;
            }

            // One surviving node sweeps; the others skip it while it holds the lock. A sweep that fails part-way lets
            // go, and the next round of any node sweeps again from what is left.
            if (await HeldLock.TryTakeAsync(db, RedisNames.NodeSweepLock(otherId), node.Id) is not { } held)
            {
                continue;
            }

            try
            {
                // The node may have come back between the look and the lock: then it is not swept.
                if (await db.KeyExistsAsync(RedisNames.NodeAlive(otherId)))
                {
                    continue;
                }

                var members = await db.SetMembersAsync(RedisNames.NodeConnections(otherId));
                LogSweeping(otherId, members.Length);
                foreach (var member in members)
                {
                    await held.KeepAsync(stoppingToken);
                    if (RedisNames.ParseNodeConnection(member.ToString()) is var (userId, connectionId))
                    {
                        await presence.RemoveAsync(otherId, userId, connectionId);
                    }
                }

                // Only while the lock is still ours: a node that came back and took its own lock meanwhile has
                // registered its connections again, and deleting its set would leave them online if it died later.
                var last = db.CreateTransaction();
                last.AddCondition(held.StillHeld);
                _ = last.KeyDeleteAsync(RedisNames.NodeConnections(otherId));
                _ = last.SetRemoveAsync(RedisNames.Nodes, otherId);
                if (!await last.ExecuteAsync())
                {
                    throw held.Lost();
                }
            }
            finally
            {
                await held.ReleaseAsync();
            }
        }
    }

    /// <summary>
    /// Registers every local connection again, once no sweep of this node is under way: this node takes its own
    /// sweep lock, which waits for a sweeper still at work (false: the next round tries again) and keeps any other
    /// from starting one meanwhile. A connection that closed meanwhile is removed again, so none is left online
    /// without a connection. Throws if Redis or PostgreSQL fails part-way; the next round starts over.
    /// </summary>
    private async Task<bool> TryRejoinAsync(IDatabase db, CancellationToken stoppingToken)
    {
        if (await HeldLock.TryTakeAsync(db, RedisNames.NodeSweepLock(node.Id), node.Id) is not { } held)
        {
            return false;
        }

        try
        {
            await db.SetAddAsync(RedisNames.Nodes, node.Id);
            var local = connections.All();
            LogRejoining(local.Count);
            foreach (var (userId, deviceId, connectionId) in local)
            {
                await held.KeepAsync(stoppingToken);
                await presence.ConnectedAsync(userId, deviceId, connectionId);
                if (!connections.Holds(userId, connectionId))
                {
                    await presence.DisconnectedAsync(userId, connectionId);
                }
            }

            return true;
        }
        finally
        {
            await held.ReleaseAsync();
        }
    }

    /// <summary>
    /// A sweep lock held through a sweep or a rejoin that may outlast it (thousands of connections): extended between
    /// connections once a third of its time has passed since it was taken or last extended. If it lapsed and another
    /// node took it, the work stops; the next round starts over. Shutdown stops the work too, and lets go.
    /// </summary>
    private sealed class HeldLock
    {
        private readonly IDatabase _db;
        private readonly RedisKey _key;
        private readonly string _owner;
        private long _extendedAt = Stopwatch.GetTimestamp();

        private HeldLock(IDatabase db, RedisKey key, string owner) => (_db, _key, _owner) = (db, key, owner);

        public static async Task<HeldLock?> TryTakeAsync(IDatabase db, RedisKey key, string owner) =>
            await db.LockTakeAsync(key, owner, SweepLockFor) ? new HeldLock(db, key, owner) : null;

        /// <summary>True in a transaction only while the lock is still this holder's.</summary>
        public Condition StillHeld => Condition.StringEqual(_key, _owner);

        public async Task KeepAsync(CancellationToken stoppingToken)
        {
            stoppingToken.ThrowIfCancellationRequested();
            if (Stopwatch.GetElapsedTime(_extendedAt) < SweepLockFor / 3)
            {
                return;
            }

            if (!await _db.LockExtendAsync(_key, _owner, SweepLockFor))
            {
                throw Lost();
            }

            _extendedAt = Stopwatch.GetTimestamp();
        }

        public InvalidOperationException Lost() => new($"The sweep lock {_key} lapsed and was taken by another node");

        public Task ReleaseAsync() => _db.LockReleaseAsync(_key, _owner);
    }

    [LoggerMessage(3, LogLevel.Warning, "This node was taken for dead; registering its {Count} connection(s) again")]
    private partial void LogRejoining(int count);

    [LoggerMessage(1, LogLevel.Warning, "Realtime node {NodeId} stopped answering; clearing its {Count} connection(s)")]
    private partial void LogSweeping(string nodeId, int count);

    [LoggerMessage(2, LogLevel.Warning, "Presence heartbeat failed")]
    private partial void LogHeartbeatFailed(Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "Presence upkeep (registering this node's connections again, sweeping dead nodes) failed")]
    private partial void LogUpkeepFailed(Exception exception);
}
