namespace Chat.Bench;

/// <summary>
/// Waits until a .NET process has finished recompiling what it runs hot. A node of ours JITs some 45,000 methods
/// and takes most of them through three tiers; its background compiler thread (".NET Tiered Com") was still busy
/// 40 s into the idle workload, a fifth of the node's CPU, so anything timed before it settles measures the JIT.
/// </summary>
public static class TieringSettled
{
    /// <summary>Returns once the process's tiered-compilation thread has spent no CPU for <paramref name="quiet"/>, or after <paramref name="limit"/>.</summary>
    public static async Task WaitAsync(int processId, TimeSpan quiet, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + limit;
        var last = CompilerTicks(processId);
        var quietSince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline && DateTime.UtcNow - quietSince < quiet)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            var now = CompilerTicks(processId);
            if (now != last)
            {
                last = now;
                quietSince = DateTime.UtcNow;
            }
        }
    }

    private static long? CompilerTicks(int processId)
    {
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{processId}/task"))
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != ".NET Tiered Com")
                {
                    continue;
                }

                return ProcessCpu.ReadStat(Path.Combine(task, "stat")).Ticks;
            }
        }
        catch (IOException)
        {
            // The thread, or the process, ended while being read.
        }

        return null;
    }
}
