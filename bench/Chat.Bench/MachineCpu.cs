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
}
