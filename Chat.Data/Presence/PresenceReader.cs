using StackExchange.Redis;

namespace Chat.Data.Presence;

public sealed record PresenceStatus(Guid UserId, bool Online, DateTimeOffset? LastSeenAt);

public sealed class PresenceReader(IConnectionMultiplexer redis)
{
    public async Task<PresenceStatus> ReadAsync(Guid userId)
    {
        var db = redis.GetDatabase();
        var connections = db.HashLengthAsync(PresenceKeys.UserConnections(userId));
        var lastSeen = db.StringGetAsync(PresenceKeys.LastSeen(userId));
        var online = await connections > 0;
        var seen = await lastSeen;
        return new PresenceStatus(userId, online, seen.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds((long)seen) : null);
    }

    /// <summary>The devices of these users that hold a connection to some realtime node now.</summary>
    public async Task<HashSet<Guid>> OnlineDevicesAsync(IEnumerable<Guid> userIds)
    {
        var db = redis.GetDatabase();
        var lookups = userIds.Select(id => db.HashValuesAsync(PresenceKeys.UserConnections(id))).ToList();
        var online = new HashSet<Guid>();
        foreach (var values in await Task.WhenAll(lookups))
        {
            online.UnionWith(values.Select(v => PresenceKeys.DeviceOf(v.ToString())).OfType<Guid>());
        }

        return online;
    }
}
