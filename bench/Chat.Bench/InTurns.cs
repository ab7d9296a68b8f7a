using Chat.Bench.Workloads;

namespace Chat.Bench;

/// <summary>
/// Runs several systems (or variants of one) in turns, once in their order and once in reverse (A B B A), each one's
/// two runs reported as one: on this shared machine two runs minutes apart differ by a quarter with the order
/// alone (bench/analysis.md, "Run order"), and in turns every system meets the same drift.
/// </summary>
public static class InTurns
{
    public static async Task<Dictionary<T, WorkloadResult>> RunAsync<T>(IReadOnlyList<T> systems, Func<T, Task<WorkloadResult>> run)
        where T : notnull
    {
        var runs = new Dictionary<T, WorkloadResult>();
        foreach (var system in systems.Concat(systems.Reverse()))
        {
            var result = await run(system);
            runs[system] = runs.TryGetValue(system, out var first) ? first.CombinedWith(result) : result;
        }

        return runs;
    }
}
