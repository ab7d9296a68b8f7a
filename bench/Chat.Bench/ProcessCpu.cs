using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// The CPU time (user and system) each process on the machine spent between two snapshots of /proc, so that a
/// workload's machine CPU can be split by who spent it: the realtime nodes, PostgreSQL, Redis, the load generator.
/// </summary>
public sealed class ProcessCpu
{
    private static readonly double SecondsPerTick = 1.0 / 100; // USER_HZ

    private readonly Dictionary<int, (int Parent, long Ticks)> _spent;

    private ProcessCpu(Dictionary<int, (int Parent, long Ticks)> spent) => _spent = spent;

    public static Dictionary<int, (int Parent, long Ticks)> Snapshot()
    {
        var processes = new Dictionary<int, (int Parent, long Ticks)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                processes[pid] = ReadStat(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }

        return processes;
    }

    /// <summary>A process's (or a thread's) parent and its CPU ticks, user and system, from its <c>stat</c> file in /proc.</summary>
    public static (int Parent, long Ticks) ReadStat(string statPath)
    {
        // The fields after the command name, which is in parentheses and may hold spaces.
        var stat = File.ReadAllText(statPath);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[1], CultureInfo.InvariantCulture),
            long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
    }

    /// <summary>What each process spent between the snapshots; a process that started in between counts from zero.</summary>
    public static ProcessCpu Between(Dictionary<int, (int Parent, long Ticks)> before, Dictionary<int, (int Parent, long Ticks)> after) =>
        new(after.ToDictionary(p => p.Key, p => (p.Value.Parent, p.Value.Ticks - (before.TryGetValue(p.Key, out var b) ? b.Ticks : 0))));

    /// <summary>Two windows' spending together.</summary>
    public ProcessCpu Plus(ProcessCpu other)
    {
        var sum = new Dictionary<int, (int Parent, long Ticks)>(_spent);
        foreach (var (pid, (parent, ticks)) in other._spent)
        {
            sum[pid] = (parent, ticks + (sum.TryGetValue(pid, out var mine) ? mine.Ticks : 0));
        }

        return new ProcessCpu(sum);
    }

    /// <summary>A process and its children (PostgreSQL's backends, a server started through a script).</summary>
    public TimeSpan Of(int processId) =>
        TimeSpan.FromSeconds(_spent.Where(p => p.Key == processId || p.Value.Parent == processId).Sum(p => p.Value.Ticks) * SecondsPerTick);

    /// <summary>The processes that spent most, other than <paramref name="except"/> (and their children), with their names.</summary>
    public IEnumerable<(int ProcessId, string Name, TimeSpan Cpu)> Top(int count, IReadOnlyCollection<int> except) =>
        _spent.Where(p => !except.Contains(p.Key) && !except.Contains(p.Value.Parent)).OrderByDescending(p => p.Value.Ticks).Take(count)
            .Select(p => (p.Key, NameOf(p.Key), TimeSpan.FromSeconds(p.Value.Ticks * SecondsPerTick)));

    private static string NameOf(int processId)
    {
        try
        {
            return File.ReadAllText($"/proc/{processId}/cmdline").Replace('\0', ' ').Trim() is { Length: > 0 } line ? line[..Math.Min(80, line.Length)] : "?";
        }
        catch (IOException)
        {
            return "(ended)";
        }
    }

    public TimeSpan Of(IEnumerable<int> processIds) => processIds.Aggregate(TimeSpan.Zero, (sum, pid) => sum + Of(pid));
}
