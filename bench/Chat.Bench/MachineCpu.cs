using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// CPU time the whole machine spent busy, from /proc/stat: every process of a system under test, its peers' idle
/// servers and the load generator together. Divided by the messages delivered in the same window, it is what one
/// message costs the machine, which on a saturated machine is what sets the rate.
/// </summary>
public static class MachineCpu
{
    private static readonly double SecondsPerTick = 1.0 / 100; // USER_HZ, 100 on every Linux this runs on

    /// <summary>Busy CPU time so far, summed over all cores.</summary>
    public static TimeSpan Busy()
    {
        // cpu  user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7];
        return TimeSpan.FromSeconds(busy * SecondsPerTick);
    }

    /// <summary>CPU time, user and system, of a server process and its running children (PostgreSQL's backends).</summary>
    public static TimeSpan OfServer(int serverProcessId)
    {
        var ticks = 0L;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                // The fields after the command name, which is in parentheses and may hold spaces.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (pid == serverProcessId || int.Parse(fields[1], CultureInfo.InvariantCulture) == serverProcessId)
                {
                    ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }

        return TimeSpan.FromSeconds(ticks * SecondsPerTick);
    }
}
