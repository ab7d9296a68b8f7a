using Chat.Messaging.Redis;
using StackExchange.Redis;

namespace Chat.Messaging.Presence;

public sealed record PresenceStatus(Guid UserId, bool Online, DateTimeOffset? LastSeenAt);

public sealed class PresenceReader(IConnectionMultiplexer redis)
{
    public async Task<PresenceStatus> ReadAsync(Guid userId)
    {
        var db = redis.GetDatabase();
        var connections = db.HashLengthAsync(RedisNames.UserConnections(userId));
        var lastSeen = db.StringGetAsync(RedisNames.LastSeen(userId));
        var online = await connections > 0;
        var seen = await lastSeen;
        return new PresenceStatus(userId, online, RedisWire.ReadLastSeen(seen));
    }

    /// <summary>The devices of these users that hold a connection to some realtime node now.</summary>
    public async Task<HashSet<Guid>> OnlineDevicesAsync(IEnumerable<Guid> userIds)
    {
        var db = redis.GetDatabase();
        var lookups = userIds.Select(id => db.HashValuesAsync(RedisNames.UserConnections(id))).ToList();
        var online = new HashSet<Guid>();
        foreach (var values in await Task.WhenAll(lookups))
        {
            online.UnionWith(values.Select(v => RedisNames.DeviceOf(v.ToString())).OfType<Guid>());
        }

        return online;
    }
}
