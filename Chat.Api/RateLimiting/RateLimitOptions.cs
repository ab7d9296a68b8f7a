using System.ComponentModel.DataAnnotations;

namespace Chat.Api.RateLimiting;

public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Register, login and refresh, per client address: slows password guessing and account farming.</summary>
    [Range(1, 100_000)]
    public int ClientAddressPermits { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ClientAddressWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Every authenticated endpoint, per user: a token bucket, so short bursts pass and floods do not.</summary>
    [Range(1, 100_000)]
    public int UserBurst { get; set; } = 100;

    [Range(1, 100_000)]
    public int UserPermitsPerSecond { get; set; } = 20;

    /// <summary>Key bundles fetched per user (each takes one-time prekeys): a burst for starting a large group, then a trickle.</summary>
    [Range(1, 100_000)]
    public int KeyFetchBurst { get; set; } = 200;

    [Range(1, 100_000)]
    public int KeyFetchesPerSecond { get; set; } = 2;
}
