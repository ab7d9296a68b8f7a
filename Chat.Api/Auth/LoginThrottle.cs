using Chat.Messaging.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Api.Auth;

/// <summary>
/// Password guessing per account: after <see cref="AuthOptions.MaxFailedLogins"/> attempts without a right password
/// in the window, the account's sign-ins pause until the window ends, from every address and every API replica (the
/// count is in Redis). Unknown usernames count the same, so a pause reveals nothing about which accounts exist. The
/// price, as in every per-account limit: a stranger can keep an account paused, for one window at a time.
/// </summary>
public sealed class LoginThrottle(IConnectionMultiplexer redis, IOptions<AuthOptions> options)
{
    /// <summary>
    /// Counts an attempt before its password is checked, so parallel guesses cannot all pass a check made before
    /// any of them was counted. Null when the account may try; otherwise how long until it may.
    /// </summary>
    public async Task<TimeSpan?> AttemptAsync(string normalizedUsername)
    {
        var key = RedisNames.FailedLogins(normalizedUsername);
        var database = redis.GetDatabase();
        var attempts = await database.StringIncrementAsync(key);

        // Set on every attempt, not only the first: a count whose expiry was never written would pause the account for good.
        await database.KeyExpireAsync(key, options.Value.FailedLoginWindow, ExpireWhen.HasNoExpiry);
        return attempts > options.Value.MaxFailedLogins ? await database.KeyTimeToLiveAsync(key) ?? options.Value.FailedLoginWindow : null;
    }

    /// <summary>A right password clears the count: the attempts before it were the owner's.</summary>
    public Task SucceededAsync(string normalizedUsername) => redis.GetDatabase().KeyDeleteAsync(RedisNames.FailedLogins(normalizedUsername));
}
