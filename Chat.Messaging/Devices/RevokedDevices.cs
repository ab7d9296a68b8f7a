using Chat.Messaging.Redis;
using Chat.ServiceDefaults.Authentication;
using StackExchange.Redis;

namespace Chat.Messaging.Devices;

/// <summary>
/// Devices signed out or removed before their access tokens expire. Tokens are otherwise trusted without calling
/// the API, so the list lives in Redis, where every service can check it, and each entry expires with the last
/// token that could name the device. A revocation is also published, so the realtime nodes close the device's
/// open connections, which were authenticated before it.
/// </summary>
public sealed class RevokedDevices(IConnectionMultiplexer redis, SubscriptionProbes probes) : IRevokedDeviceCheck
{
    public async Task RevokeAsync(Guid userId, Guid deviceId, TimeSpan accessTokenLifetime)
    {
        await redis.GetDatabase().StringSetAsync(RedisNames.RevokedDevice(deviceId), "1", accessTokenLifetime + TimeSpan.FromMinutes(1));
        await redis.GetSubscriber().PublishAsync(RedisNames.DeviceRevocations, RedisWire.WriteDeviceRevocation(userId, deviceId));
    }

    public Task<bool> IsRevokedAsync(Guid deviceId) =>
        redis.GetDatabase().KeyExistsAsync(RedisNames.RevokedDevice(deviceId));

    /// <summary>Calls <paramref name="revoked"/> for each revocation published from now on, until disposed.</summary>
    public async Task<IAsyncDisposable> SubscribeAsync(Action<Guid, Guid> revoked)
    {
        var subscriber = redis.GetSubscriber();
        var queue = await subscriber.SubscribeAsync(RedisNames.DeviceRevocations);
        queue.OnMessage(message =>
        {
            if (!probes.Received(message.Message) && RedisWire.ReadDeviceRevocation(message.Message) is var (userId, deviceId))
            {
                revoked(userId, deviceId);
            }
        });
        return new Subscription(queue);
    }

    private sealed class Subscription(ChannelMessageQueue queue) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(queue.UnsubscribeAsync());
    }
}
