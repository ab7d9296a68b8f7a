using Chat.Data.Conversations;
using Chat.Data.Presence;
using Chat.Realtime.Connections;
using Chat.Realtime.Hubs;
using StackExchange.Redis;

namespace Chat.Realtime.Presence;

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
            user = PresenceKeys.UserConnections(userId),
            transitions = PresenceKeys.Transitions(userId),
            nodeSet = PresenceKeys.NodeConnections(node.Id),
            connection = connectionId,
            node = PresenceKeys.ConnectionValue(node.Id, deviceId),
            member = Member(userId, connectionId),
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
            user = PresenceKeys.UserConnections(userId),
            transitions = PresenceKeys.Transitions(userId),
            nodeSet = PresenceKeys.NodeConnections(nodeId),
            lastSeen = PresenceKeys.LastSeen(userId),
            connection = connectionId,
            member = Member(userId, connectionId),
            now = now.ToUnixTimeMilliseconds(),
        });
        if (transition > 0)
        {
            await AnnounceAsync(new PresenceStatus(userId, false, now), transition);
        }
    }

    public static (Guid UserId, string ConnectionId)? ParseMember(string member)
    {
        var separator = member.IndexOf('|');
        return separator > 0 && Guid.TryParse(member.AsSpan(0, separator), out var userId) ? (userId, member[(separator + 1)..]) : null;
    }

    private static string Member(Guid userId, string connectionId) => $"{userId:N}|{connectionId}";

    private async Task AnnounceAsync(PresenceStatus status, long transition)
    {
        await using var scope = scopes.CreateAsyncScope();
        var contacts = await scope.ServiceProvider.GetRequiredService<ConversationContacts>().ToAnnounceToAsync(status.UserId, CancellationToken.None);
        await userEvents.PublishAsync(ChatEvents.Presence, status, contacts, (PresenceKeys.Transitions(status.UserId), transition));
    }
}
