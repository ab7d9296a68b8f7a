using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Chat.Realtime.Hubs;

/// <summary>The token buckets of <see cref="HubBudgetOptions"/>, one per user and kind of call.</summary>
public sealed class HubBudgets(IOptions<HubBudgetOptions> options) : IDisposable
{
    public enum Kind { Writes, Typing, Receipts, Sync, Calls, CallSignals }

    private readonly PartitionedRateLimiter<(Guid, Kind)> _limiter = PartitionedRateLimiter.Create<(Guid, Kind), (Guid, Kind)>(key =>
        RateLimitPartition.GetTokenBucketLimiter(key, partition =>
        {
            var budget = partition.Item2 switch
            {
                Kind.Writes => options.Value.Writes,
                Kind.Typing => options.Value.Typing,
                Kind.Receipts => options.Value.Receipts,
                Kind.Calls => options.Value.Calls,
                Kind.CallSignals => options.Value.CallSignals,
                _ => options.Value.Sync,
            };
            return new TokenBucketRateLimiterOptions
            {
                TokenLimit = budget.Burst,
                TokensPerPeriod = budget.PerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
            };
        }));

    /// <summary>The budget a hub method draws from; null for a method without one.</summary>
    public static Kind? KindOf(string hubMethod) => hubMethod switch
    {
        "SendMessage" or "EditMessage" or "DeleteMessage" or "SendToDevices" => Kind.Writes,
        "Typing" => Kind.Typing,
        "MarkDelivered" or "MarkRead" or "AckDeviceMessages" => Kind.Receipts,
        "Sync" or "SyncDeviceMessages" => Kind.Sync,
        "StartCall" => Kind.Calls,
        "AcceptCall" or "RejectCall" or "CancelCall" or "HangUp" or "SendCallSignal" => Kind.CallSignals,
        _ => null,
    };

    /// <summary>Null when the call may go ahead; otherwise how long to wait.</summary>
    public TimeSpan? TryTake(Guid userId, Kind kind)
    {
        using var lease = _limiter.AttemptAcquire((userId, kind));
        return lease.IsAcquired ? null
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter.Dispose();
}
