using HdrHistogram;

namespace Chat.Bench;

/// <summary>Send-to-receive latencies in microseconds, recorded from many threads, read as percentiles.</summary>
public sealed class LatencyRecorder
{
    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1).WithValuesUpTo(TimeSpan.FromMinutes(2).Ticks / 10).WithPrecisionOf(3)
        .WithThreadSafeWrites().WithThreadSafeReads().Create();

    private HistogramBase? _total;

    public void Record(double milliseconds) => _recorder.RecordValue(Math.Max(1, (long)(milliseconds * 1000)));

    /// <summary>Everything recorded since the last call, which starts a new interval (drops the warm-up).</summary>
    public HistogramBase Take()
    {
        _total = _recorder.GetIntervalHistogram();
        return _total;
    }

    public static double Percentile(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? double.NaN : histogram.GetValueAtPercentile(percentile) / 1000.0;
}
