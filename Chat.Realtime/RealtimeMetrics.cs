using System.Diagnostics;
using System.Diagnostics.Metrics;
using Chat.Realtime.Connections;

namespace Chat.Realtime;

/// <summary>The realtime node's own telemetry: one ActivitySource and one Meter, both named "Chat.Realtime".</summary>
public sealed class RealtimeMetrics
{
    public const string Name = "Chat.Realtime";
    public static readonly ActivitySource Source = new(Name);

    private readonly Counter<long> _delivered;
    private readonly Counter<long> _cutOff;
    private readonly Histogram<double> _deliveryLatency;

    public RealtimeMetrics(IMeterFactory meters, LocalConnections connections, OutboxBudget outboxes)
    {
        var meter = meters.Create(Name);
        _delivered = meter.CreateCounter<long>("chat.messages.delivered", "{message}", "Message events handed to connections on this node (a connection cut off later drops what it still held).");
        _deliveryLatency = meter.CreateHistogram<double>("chat.messages.delivery_latency", "ms", "From the commit of a message to its hand-over to a connection's outbox on this node.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] });
        _cutOff = meter.CreateCounter<long>("chat.connections.cut_off", "{connection}",
            "Connections this node closed because they fell behind (reason: queue_full, stalled or write_failed).");
        meter.CreateObservableUpDownCounter("chat.connections", () => connections.Count, "{connection}", "Hub connections open on this node.");
        meter.CreateObservableUpDownCounter("chat.connections.queued", () => outboxes.Queued, "By",
            "Serialised events waiting for connections that fell behind, on this node.");
    }

    public void CutOff(string reason) => _cutOff.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Delivered(int connections, TimeSpan sinceCommit)
    {
        _delivered.Add(connections);
        _deliveryLatency.Record(sinceCommit.TotalMilliseconds);
    }
}
