using StackExchange.Redis;

namespace Chat.Data.Presence;

/// <summary>
/// Every Redis key of the presence registry, in one place, because realtime nodes write it and the API reads it.
/// A user is online while their hash of connections is not empty; each node keeps its own connections in a set
/// and an alive key with a short expiry, so that the other nodes can clear a node that died without saying goodbye.
/// </summary>
public static class PresenceKeys
{
    public static readonly RedisKey Nodes = "chat:presence:nodes";

    /// <summary>Hash: connection id → "nodeId|deviceId" (<see cref="ConnectionValue"/>).</summary>
    public static RedisKey UserConnections(Guid userId) => $"chat:presence:user:{userId:N}";

    public static string ConnectionValue(string nodeId, Guid deviceId) => $"{nodeId}|{deviceId:N}";

    public static Guid? DeviceOf(string connectionValue) =>
        Guid.TryParse(connectionValue.AsSpan(connectionValue.LastIndexOf('|') + 1), out var deviceId) ? deviceId : null;

    public static RedisKey LastSeen(Guid userId) => $"chat:presence:last-seen:{userId:N}";

    /// <summary>Counts a user's online/offline transitions, so a late announcement of an older one can be dropped.</summary>
    public static RedisKey Transitions(Guid userId) => $"chat:presence:transitions:{userId:N}";

    /// <summary>Set of "userId|connectionId" held by one node.</summary>
    public static RedisKey NodeConnections(string nodeId) => $"chat:presence:node:{nodeId}";

    public static RedisKey NodeAlive(string nodeId) => $"chat:presence:alive:{nodeId}";

    public static RedisKey NodeSweepLock(string nodeId) => $"chat:presence:sweep:{nodeId}";
}
