using Chat.Bench.Workloads;

namespace Chat.Bench;

/// <summary>A workload's CPU per delivered message by process: the system's nodes, PostgreSQL, Redis, the load generator, and the rest of the machine.</summary>
public sealed record CpuSplit(double Nodes, double Postgres, double Redis, double Generator, double Rest)
{
    /// <summary>Splits a workload's CPU per message by process; the rest is everything else the machine did.</summary>
    public static CpuSplit Of(WorkloadResult load, IEnumerable<int> nodes, int? postgresPid, int? redisPid)
    {
        double Of(IEnumerable<int> processIds) => load.CpuMicrosecondsPerMessageOf(processIds) ?? double.NaN;
        var split = new CpuSplit(Of(nodes), Of(postgresPid is { } p ? [p] : []), Of(redisPid is { } r ? [r] : []), Of([Environment.ProcessId]), 0);
        return split with { Rest = (load.CpuMicrosecondsPerMessage ?? double.NaN) - split.Nodes - split.Postgres - split.Redis - split.Generator };
    }
}
