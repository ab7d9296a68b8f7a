using Chat.Messaging.Conversations;
using Chat.Messaging.Fanout;
using Chat.Messaging.Redis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Chat.Messaging.Presence;

/// <summary>
/// Keeps this node's connections in the shared presence registry and tells a user's contacts
/// (<see cref="ConversationContacts.ToAnnounceToAsync"/>) when the user goes online (first connection on any node)
/// or offline (last one gone). The transitions are decided inside Redis scripts, so two devices connecting at once
/// on two nodes announce "online" once. Each transition gets a number, and an announcement goes out only while its
/// transition is the latest: "online" announced after the contacts lookup must not overtake the "offline" of a
/// device that left in the meantime.
/// </summary>
public sealed class PresenceTracker(
    IConnectionMultiplexer redis, UserEventFanout userEvents, IServiceScopeFactory scopes, NodeIdentity node, TimeProvider time)
{
    private static readonly LuaScript ConnectScript = LuaScript.Prepare("""
        redis.call('HSET', @user, @connection, @node)
        redis.call('SADD', @nodeSet, @member)
        if redis.call('HLEN', @user) == 1 then
            return redis.call('INCR', @transitions)
        end
        return 0
        """);

    private static readonly LuaScript DisconnectScript = LuaScript.Prepare("""
        local removed = redis.call('HDEL', @user, @connection)
        redis.call('SREM', @nodeSet, @member)
        if removed == 1 and redis.call('HLEN', @user) == 0 then
            redis.call('SET', @lastSeen, @now)
            return redis.call('INCR', @transitions)
        end
        return 0
        """);

    public async Task ConnectedAsync(Guid userId, Guid deviceId, string connectionId)
    {
        var transition = (long)await redis.GetDatabase().ScriptEvaluateAsync(ConnectScript, new
        {
            user = RedisNames.UserConnections(userId),
            transitions = RedisNames.Transitions(userId),
            nodeSet = RedisNames.NodeConnections(node.Id),
            connection = connectionId,
            node = RedisNames.ConnectionValue(node.Id, deviceId),
            member = RedisNames.NodeConnection(userId, connectionId),
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
        var transition = (long)await redis.GetDatabase().ScriptEvaluateAsync(DisconnectScript, new
        {
            user = RedisNames.UserConnections(userId),
            transitions = RedisNames.Transitions(userId),
            nodeSet = RedisNames.NodeConnections(nodeId),
            lastSeen = RedisNames.LastSeen(userId),
            connection = connectionId,
            member = RedisNames.NodeConnection(userId, connectionId),
            now = RedisWire.WriteLastSeen(now),
        });
        if (transition > 0)
        {
            await AnnounceAsync(new PresenceStatus(userId, false, now), transition);
        }
    }

    private async Task AnnounceAsync(PresenceStatus status, long transition)
    {
        await using var scope = scopes.CreateAsyncScope();
        var contacts = await scope.ServiceProvider.GetRequiredService<ConversationContacts>().ToAnnounceToAsync(status.UserId, CancellationToken.None);
        await userEvents.PublishAsync(ChatEvents.Presence, status, contacts, (RedisNames.Transitions(status.UserId), transition));
    }
}
