using StackExchange.Redis;

namespace Chat.Messaging.Redis;

/// <summary>
/// Every Redis key and channel the Chat services use, in one place, as ASP.NET Core's Redis backplane keeps its
/// channel names in one class: a name written by one service and read by another cannot drift apart. What travels
/// on the channels is <see cref="RedisWire"/>.
/// </summary>
public static class RedisNames
{
    /// <summary>
    /// One realtime node's committed message events, batched (<see cref="RedisWire.WriteMessages"/>): only those with
    /// a recipient connected to it. Sharded pub/sub, so that on a Redis Cluster a publication goes to the one shard
    /// that owns the channel instead of every shard.
    /// </summary>
    public static RedisChannel NodeMessages(string nodeId) => RedisChannel.Sharded($"chat:node:{nodeId}:messages");

    /// <summary>One realtime node's presence, typing, receipt and call events for its users (<see cref="RedisWire.WriteUserEvent"/>).</summary>
    public static RedisChannel NodeUserEvents(string nodeId) => RedisChannel.Sharded($"chat:node:{nodeId}:user-events");

    /// <summary>Set of the realtime nodes that have registered connections.</summary>
    public static readonly RedisKey Nodes = "chat:presence:nodes";

    /// <summary>
    /// Hash: connection id → "nodeId|deviceId" (<see cref="ConnectionValue"/>). A user is online while it is not empty.
    /// A user's presence keys share the hash tag <c>{userId}</c>, so on a Redis Cluster they live in one slot and the
    /// presence scripts may touch them together.
    /// </summary>
    public static RedisKey UserConnections(Guid userId) => $"chat:presence:user:{UserTag(userId)}";

    /// <summary>The hash tag of a user's presence keys: only the part in braces picks a key's cluster slot.</summary>
    private static string UserTag(Guid userId) => "{" + userId.ToString("N") + "}";

    public static string ConnectionValue(string nodeId, Guid deviceId) => $"{nodeId}|{deviceId:N}";

    public static string NodeOf(string connectionValue) => connectionValue[..Math.Max(0, connectionValue.LastIndexOf('|'))];

    public static Guid? DeviceOf(string connectionValue) =>
        Guid.TryParse(connectionValue.AsSpan(connectionValue.LastIndexOf('|') + 1), out var deviceId) ? deviceId : null;

    /// <summary>Unix milliseconds of the moment the user's last connection closed.</summary>
    public static RedisKey LastSeen(Guid userId) => $"chat:presence:last-seen:{UserTag(userId)}";

    /// <summary>Counts a user's online/offline transitions, so a late announcement of an older one can be dropped.</summary>
    public static RedisKey Transitions(Guid userId) => $"chat:presence:transitions:{UserTag(userId)}";

    /// <summary>Set of "userId|connectionId" (<see cref="NodeConnection"/>) held by one node, so a dead node's connections can be cleared.</summary>
    public static RedisKey NodeConnections(string nodeId) => $"chat:presence:node:{nodeId}";

    public static string NodeConnection(Guid userId, string connectionId) => $"{userId:N}|{connectionId}";

    public static (Guid UserId, string ConnectionId)? ParseNodeConnection(string member)
    {
        var separator = member.IndexOf('|');
        return separator > 0 && Guid.TryParse(member.AsSpan(0, separator), out var userId) ? (userId, member[(separator + 1)..]) : null;
    }

    /// <summary>Exists while the node is alive; it expires shortly after the node stops renewing it.</summary>
    public static RedisKey NodeAlive(string nodeId) => $"chat:presence:alive:{nodeId}";

    /// <summary>Taken by the one surviving node that clears a dead node's connections.</summary>
    public static RedisKey NodeSweepLock(string nodeId) => $"chat:presence:sweep:{nodeId}";

    /// <summary>A device signed out (<see cref="RedisWire.WriteDeviceRevocation"/>): every realtime node closes its connections.</summary>
    public static readonly RedisChannel DeviceRevocations = RedisChannel.Literal("chat:device-revocations");

    /// <summary>Exists while a signed-out device's access tokens could still be presented.</summary>
    public static RedisKey RevokedDevice(Guid deviceId) => $"chat:revoked-device:{deviceId:N}";

    /// <summary>Failed sign-ins of one account (by normalized username), counted over the API's window.</summary>
    public static RedisKey FailedLogins(string normalizedUsername) => $"chat:failed-logins:{normalizedUsername}";
}
