using Chat.Messaging.Redis;
using Chat.ServiceDefaults.Authentication;
using StackExchange.Redis;

namespace Chat.Messaging.Devices;

/// <summary>
/// Devices signed out or removed before their access tokens expire. Tokens are otherwise trusted without calling
/// the API, so the list lives in Redis, where every service can check it, and each entry expires with the last
/// token that could name the device.
/// </summary>
public sealed class RevokedDevices(IConnectionMultiplexer redis) : IRevokedDeviceCheck
{
    public Task RevokeAsync(Guid deviceId, TimeSpan accessTokenLifetime) =>
        redis.GetDatabase().StringSetAsync(RedisNames.RevokedDevice(deviceId), "1", accessTokenLifetime + TimeSpan.FromMinutes(1));

    public Task<bool> IsRevokedAsync(Guid deviceId) =>
        redis.GetDatabase().KeyExistsAsync(RedisNames.RevokedDevice(deviceId));
}
