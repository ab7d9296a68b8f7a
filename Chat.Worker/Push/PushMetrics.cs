using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Chat.Worker.Push;

/// <summary>The worker's push telemetry, on the "Chat.Worker" meter and ActivitySource.</summary>
public sealed class PushMetrics
{
    public const string Name = "Chat.Worker";

    public static readonly ActivitySource Source = new(Name);

    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Histogram<double> _delay;

    private readonly TimeProvider _time;
    private long _pending;
    /// <summary>UTC ticks, 0 for none: a long is read and written whole across threads.</summary>
    private long _oldestPendingTicks;

    public PushMetrics(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        var meter = meters.Create(Name);
        meter.CreateObservableGauge("chat.push.outbox.pending", () => Volatile.Read(ref _pending), "{entry}",
            "Push-outbox entries not yet processed, as last read (every 10 s).");
        meter.CreateObservableGauge("chat.push.outbox.oldest_age", () => Volatile.Read(ref _oldestPendingTicks) is var ticks and > 0 ? (_time.GetUtcNow().UtcTicks - ticks) / (double)TimeSpan.TicksPerSecond : 0, "s",
            "How long the oldest unprocessed push-outbox entry has waited, as last read (every 10 s).");
        _sent = meter.CreateCounter<long>("chat.push.sent", "{push}", "Pushes FCM accepted.");
        _failed = meter.CreateCounter<long>("chat.push.failed", "{push}", "Pushes dropped, by reason (the FCM error code or HTTP status).");
        _retried = meter.CreateCounter<long>("chat.push.retried", "{attempt}", "FCM requests retried after 429 or 5xx.");
        _delay = meter.CreateHistogram<double>("chat.push.delay", "ms", "From the message's commit to FCM's acceptance of its push.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10000, 30000] });
    }

    public void Sent(string kind, TimeSpan delay)
    {
        _sent.Add(1, new KeyValuePair<string, object?>("chat.push.kind", kind));
        _delay.Record(delay.TotalMilliseconds, new KeyValuePair<string, object?>("chat.push.kind", kind));
    }

    public void Failed(string reason) => _failed.Add(1, new KeyValuePair<string, object?>("chat.push.reason", reason));

    public void Retried() => _retried.Add(1);

    public void Backlog(long pending, DateTimeOffset? oldest)
    {
        Volatile.Write(ref _pending, pending);
        Volatile.Write(ref _oldestPendingTicks, oldest?.UtcTicks ?? 0);
    }
}
