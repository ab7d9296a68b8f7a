using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Chat.Realtime.Hubs;

public sealed class SendRateLimitOptions
{
    public const string SectionName = "SendRateLimit";

    [Range(1, 100_000)]
    public int PermitsPerSecond { get; set; } = 20;

    [Range(1, 100_000)]
    public int Burst { get; set; } = 50;
}

/// <summary>
/// Per-user token bucket for SendMessage, EditMessage and DeleteMessage on this node. A user's devices on two
/// nodes draw from two buckets; the limit exists to stop floods, not to meter exactly.
/// </summary>
public sealed class SendRateLimiter(IOptions<SendRateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _limiter = PartitionedRateLimiter.Create<Guid, Guid>(userId =>
        RateLimitPartition.GetTokenBucketLimiter(userId, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.Burst,
            TokensPerPeriod = options.Value.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
        }));

    /// <summary>Null when the send may go ahead; otherwise how long to wait.</summary>
    public TimeSpan? TryAcquire(Guid userId)
    {
        using var lease = _limiter.AttemptAcquire(userId);
        return lease.IsAcquired ? null
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter.Dispose();
}
