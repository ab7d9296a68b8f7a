using Chat.Bench.Workloads;

namespace Chat.Bench;

/// <summary>
/// Runs several systems (or variants of one) in turns, once in their order and once in reverse (A B B A), each one's
/// two runs reported as one: on this shared machine two runs minutes apart differ by a quarter with the order
/// alone (bench/analysis.md, "Run order"), and in turns every system meets the same drift.
/// </summary>
public static class InTurns
{
    public static Task<Dictionary<T, WorkloadResult>> RunAsync<T>(IReadOnlyList<T> systems, Func<T, Task<WorkloadResult>> run)
        where T : notnull =>
        RunAsync(systems, run, (first, second) => first.CombinedWith(second));

    /// <param name="combine">Makes one result of a system's two.</param>
    public static async Task<Dictionary<T, TResult>> RunAsync<T, TResult>(IReadOnlyList<T> systems, Func<T, Task<TResult>> run,
        Func<TResult, TResult, TResult> combine)
        where T : notnull
    {
        var runs = new Dictionary<T, TResult>();
        foreach (var system in systems.Concat(systems.Reverse()))
        {
            var result = await run(system);
            runs[system] = runs.TryGetValue(system, out var first) ? combine(first, result) : result;
        }

        return runs;
    }
}
