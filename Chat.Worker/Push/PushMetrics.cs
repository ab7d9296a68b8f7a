using System.Diagnostics.Metrics;

namespace Chat.Worker.Push;

/// <summary>The worker's push telemetry, on the "Chat.Worker" meter.</summary>
public sealed class PushMetrics
{
    public const string Name = "Chat.Worker";

    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Histogram<double> _delay;

    public PushMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
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
}
