using Chat.Messaging.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Api.Auth;

/// <summary>
/// Password guessing per account: after <see cref="AuthOptions.MaxFailedLogins"/> failures in the window, the
/// account's sign-ins pause until the window ends, from every address and every API replica (the count is in
/// Redis). Unknown usernames count the same, so a pause reveals nothing about which accounts exist.
/// </summary>
public sealed class LoginThrottle(IConnectionMultiplexer redis, IOptions<AuthOptions> options)
{
    /// <summary>Null when the account may try; otherwise how long until it may.</summary>
    public async Task<TimeSpan?> PausedForAsync(string normalizedUsername)
    {
        var key = RedisNames.FailedLogins(normalizedUsername);
        var failures = await redis.GetDatabase().StringGetWithExpiryAsync(key);
        return failures.Value.HasValue && (long)failures.Value >= options.Value.MaxFailedLogins
            ? failures.Expiry ?? options.Value.FailedLoginWindow
            : null;
    }

    public async Task FailedAsync(string normalizedUsername)
    {
        var key = RedisNames.FailedLogins(normalizedUsername);
        var database = redis.GetDatabase();
        await database.StringIncrementAsync(key);

        // Set on every failure, not only the first: a count whose expiry was never written would pause the account for good.
        await database.KeyExpireAsync(key, options.Value.FailedLoginWindow, ExpireWhen.HasNoExpiry);
    }

    public Task SucceededAsync(string normalizedUsername) => redis.GetDatabase().KeyDeleteAsync(RedisNames.FailedLogins(normalizedUsername));
}
