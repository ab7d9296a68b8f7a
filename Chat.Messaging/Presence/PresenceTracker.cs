using Chat.Messaging.Fanout;
using Chat.Messaging.Redis;
using StackExchange.Redis;

namespace Chat.Messaging.Presence;

/// <summary>
/// Keeps this node's connections in the shared presence registry and tells a user's contacts
/// (<see cref="PresenceAudience"/>) when the user goes online (first connection on any node)
/// or offline (last one gone). The transitions are decided inside Redis scripts, so two devices connecting at once
/// on two nodes announce "online" once. Each transition gets a number, which its announcement carries: "online"
/// announced after the contacts lookup must not overtake the "offline" of a device that left in the meantime, so
/// it is not sent once a later transition exists, and a node drops it if it has already delivered a later one
/// (<see cref="UserEventFanout.PublishAsync{T}"/>).
/// </summary>
public sealed class PresenceTracker(
    IConnectionMultiplexer redis, UserEventFanout userEvents, PresenceAudience audience, NodeIdentity node, TimeProvider time)
{
    // Each script touches one user's keys only, which share a cluster slot (RedisNames.UserConnections). The node's
    // set of connections lives in another slot, so it is changed outside them, in the order that leaves nothing
    // behind if the node dies between the two: added before the user's hash, removed after it (and after the
    // "offline" went out, which a failed removal must not stop). A set member without its hash entry is
    // harmless; the sweep of a dead node removes it.
    private static readonly LuaScript ConnectScript = LuaScript.Prepare("""
        local added = redis.call('HSET', @user, @connection, @node)
        if added == 1 and redis.call('HLEN', @user) == 1 then
            return redis.call('INCR', @transitions)
        end
        return 0
        """);

    private static readonly LuaScript DisconnectScript = LuaScript.Prepare("""
        local removed = redis.call('HDEL', @user, @connection)
        if removed == 1 and redis.call('HLEN', @user) == 0 then
            redis.call('SET', @lastSeen, @now)
            return redis.call('INCR', @transitions)
        end
        return 0
        """);

    public async Task ConnectedAsync(Guid userId, Guid deviceId, string connectionId)
    {
        var db = redis.GetDatabase();
        await db.SetAddAsync(RedisNames.NodeConnections(node.Id), RedisNames.NodeConnection(userId, connectionId));
        var transition = (long)await db.ScriptEvaluateAsync(ConnectScript, new
        {
            user = RedisNames.UserConnections(userId),
            transitions = RedisNames.Transitions(userId),
            connection = connectionId,
            node = RedisNames.ConnectionValue(node.Id, deviceId),
        });
        if (transition > 0)
        {
            await AnnounceAsync(new PresenceStatus(userId, true, null), transition);
        }
    }

    public Task DisconnectedAsync(Guid userId, string connectionId) => RemoveAsync(node.Id, userId, connectionId);

    /// <summary>Removes one connection of any node (this one, or a dead one being swept) and announces "offline" if it was the last.</summary>
    public async Task RemoveAsync(string nodeId, Guid userId, string connectionId)
    {
        var now = time.GetUtcNow();
        var db = redis.GetDatabase();
        var transition = (long)await db.ScriptEvaluateAsync(DisconnectScript, new
        {
            user = RedisNames.UserConnections(userId),
            transitions = RedisNames.Transitions(userId),
            lastSeen = RedisNames.LastSeen(userId),
            connection = connectionId,
            now = RedisWire.WriteLastSeen(now),
        });
        if (transition > 0)
        {
            await AnnounceAsync(new PresenceStatus(userId, false, now), transition);
        }

        await db.SetRemoveAsync(RedisNames.NodeConnections(nodeId), RedisNames.NodeConnection(userId, connectionId));
    }

    private async Task AnnounceAsync(PresenceStatus status, long transition)
    {
        var contacts = await audience.OfAsync(status.UserId, CancellationToken.None);
        await userEvents.PublishAsync(ChatEvents.Presence, status, contacts, (RedisNames.Transitions(status.UserId), transition));
    }
}
