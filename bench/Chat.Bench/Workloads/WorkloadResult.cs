using HdrHistogram;

namespace Chat.Bench.Workloads;

/// <summary>One run of one workload against one target.</summary>
public sealed record WorkloadResult(string Target, string Workload, long Delivered, TimeSpan Elapsed, HistogramBase Latency, long Errors = 0, string? Note = null)
{
    public double Rate => Elapsed > TimeSpan.Zero ? Delivered / Elapsed.TotalSeconds : 0;

    public double P50 => LatencyRecorder.Percentile(Latency, 50);

    public double P99 => LatencyRecorder.Percentile(Latency, 99);

    public double P999 => LatencyRecorder.Percentile(Latency, 99.9);
}
