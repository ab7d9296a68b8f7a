using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Chat.Api.Conversations;

/// <summary>
/// How many people one user may bring into conversations (a new direct conversation, or each member added to a
/// group): a token bucket of <see cref="ConversationOptions.MaxInvitationsPerHour"/>, refilled each minute. Bounds
/// what one account can do to strangers, per API replica.
/// </summary>
public sealed class InvitationBudget(IOptions<ConversationOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _limiter = PartitionedRateLimiter.Create<Guid, Guid>(userId =>
        RateLimitPartition.GetTokenBucketLimiter(userId, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.MaxInvitationsPerHour,
            TokensPerPeriod = Math.Max(1, options.Value.MaxInvitationsPerHour / 60),
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Null when <paramref name="people"/> may be invited now; otherwise how long to wait.</summary>
    public TimeSpan? TryTake(Guid userId, int people)
    {
        using var lease = _limiter.AttemptAcquire(userId, Math.Clamp(people, 1, options.Value.MaxInvitationsPerHour));
        return lease.IsAcquired ? null
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}
