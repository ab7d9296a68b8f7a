using HdrHistogram;

namespace Chat.Bench.Workloads;

/// <summary>One run of one workload against one target.</summary>
/// <param name="MachineCpu">The machine's busy CPU time over the measured window, where the workload measures it.</param>
/// <param name="Processes">Each process's CPU time over the same window, where the workload measures it.</param>
public sealed record WorkloadResult(string Target, string Workload, long Delivered, TimeSpan Elapsed, HistogramBase Latency, long Errors = 0, string? Note = null,
    TimeSpan? MachineCpu = null, ProcessCpu? Processes = null)
{
    /// <summary>Microseconds of the given processes' CPU (and their children's) per delivered message.</summary>
    public double? CpuMicrosecondsPerMessageOf(IEnumerable<int> processIds) =>
        Processes is { } processes && Delivered > 0 ? processes.Of(processIds).TotalMicroseconds / Delivered : null;

    public double Rate => Elapsed > TimeSpan.Zero ? Delivered / Elapsed.TotalSeconds : 0;

    /// <summary>Microseconds of the machine's CPU per delivered message: every process involved, load generator included.</summary>
    public double? CpuMicrosecondsPerMessage => MachineCpu is { } cpu && Delivered > 0 ? cpu.TotalMicroseconds / Delivered : null;

    /// <summary>The share of the machine's cores busy over the window.</summary>
    public double? MachineBusy => MachineCpu is { } cpu && Elapsed > TimeSpan.Zero ? cpu / (Elapsed * Environment.ProcessorCount) : null;

    /// <summary>Two runs of the same workload as one: their messages, times, latencies and CPU together.</summary>
    public WorkloadResult CombinedWith(WorkloadResult other)
    {
        var latency = Latency.Copy();
        latency.Add(other.Latency);
        return this with
        {
            Delivered = Delivered + other.Delivered,
            Elapsed = Elapsed + other.Elapsed,
            Latency = latency,
            Errors = Errors + other.Errors,
            MachineCpu = MachineCpu + other.MachineCpu,
            Processes = Processes is { } mine && other.Processes is { } theirs ? mine.Plus(theirs) : null,
        };
    }

    public double P50 => LatencyRecorder.Percentile(Latency, 50);

    public double P99 => LatencyRecorder.Percentile(Latency, 99);

    public double P999 => LatencyRecorder.Percentile(Latency, 99.9);
}
