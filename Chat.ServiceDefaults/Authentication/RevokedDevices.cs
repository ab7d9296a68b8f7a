using StackExchange.Redis;

namespace Chat.ServiceDefaults.Authentication;

/// <summary>
/// Devices signed out or removed before their access tokens expire. Tokens are otherwise trusted without calling
/// the API, so the list lives in Redis, where every service can check it, and each entry expires with the last
/// token that could name the device.
/// </summary>
public sealed class RevokedDevices(IConnectionMultiplexer redis)
{
    private static string Key(Guid deviceId) => $"chat:revoked-device:{deviceId:N}";

    public Task RevokeAsync(Guid deviceId, TimeSpan accessTokenLifetime) =>
        redis.GetDatabase().StringSetAsync(Key(deviceId), "1", accessTokenLifetime + TimeSpan.FromMinutes(1));

    public Task<bool> IsRevokedAsync(Guid deviceId) =>
        redis.GetDatabase().KeyExistsAsync(Key(deviceId));
}
