using System.Diagnostics;
using System.Globalization;
using Chat.Bench.Targets;

namespace Chat.Bench.Workloads;

/// <summary>
/// The direct workload on 2, 4 and 8 realtime nodes in turn, clients spread evenly over them: the machine's CPU per
/// message, and in a second run what each node is sent of all the events committed (from the nodes' own counters,
/// chat.fanout.events_received against chat.fanout.events_published, read with dotnet-counters, whose sessions
/// would weigh on the first run's CPU).
/// </summary>
public static class ScaleOut
{
    public sealed record Result(int Nodes, WorkloadResult Load, IReadOnlyList<double> Shares)
    {
        public double MaxShare => Shares.Count == 0 ? double.NaN : Shares.Max();
    }

    public static async Task<List<Result>> RunAsync(Uri api, IReadOnlyList<Uri> nodes, IReadOnlyList<int> pids, string signingKey,
        IReadOnlyList<BenchUser> users, int clients, int inFlight, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        var results = new List<Result>();
        foreach (var count in new[] { 2, 4, 8 }.Where(n => n <= nodes.Count))
        {
            await using var target = new ChatTarget(api, nodes.Take(count).ToList(), signingKey, pids.Take(count).ToList());
            await using var fleet = await Fleet.ConnectAsync(target, users.Take(clients).ToList(), cancellationToken);
            var direct = await DirectMessages.PrepareAsync(fleet, cancellationToken);

            // The cost, with nothing else attached to the nodes.
            var load = await direct.ClosedLoopAsync(inFlight, warmUp, duration);

            // The shares, in a second run with dotnet-counters on every node: each session is given time to attach
            // before the load and outlasts it, so all of them see the whole run (idle before and after counts nothing).
            var attach = TimeSpan.FromSeconds(8);
            var counters = pids.Take(count).Select(pid => CountAsync(pid, attach + warmUp + duration + TimeSpan.FromSeconds(4))).ToList();
            await Task.Delay(attach, cancellationToken);
            await direct.ClosedLoopAsync(inFlight, warmUp, duration);
            var counted = await Task.WhenAll(counters);
            var published = counted.Sum(c => c.Published);
            var shares = published > 0 ? counted.Select(c => c.Received / published).ToList() : [];
            results.Add(new Result(count, load with { Target = $"chat (ours), {count} nodes" }, shares));
            Console.WriteLine($"scale-out: {count} nodes, {load.Rate:F0}/s, {load.CpuMicrosecondsPerMessage:F1} µs/message, shares {string.Join(" ", shares.Select(s => s.ToString("P0", CultureInfo.InvariantCulture)))}");
        }

        return results;
    }

    /// <summary>
    /// Events published and received by one node over <paramref name="span"/>: the counters' increments, summed. CSV
    /// rather than JSON: a line at a time, so a file cut short when the tool stops still reads.
    /// </summary>
    private static async Task<(double Published, double Received)> CountAsync(int processId, TimeSpan span)
    {
        var output = Path.Combine(Path.GetTempPath(), $"chat-bench-fanout-{processId}-{Guid.NewGuid():N}.csv");
        var start = new ProcessStartInfo("dotnet", ["dotnet-counters", "collect", "-p", processId.ToString(CultureInfo.InvariantCulture),
            "--counters", "Chat.Messaging", "--format", "csv", "-o", output, "--refresh-interval", "1",
            "--duration", span.ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using (var process = Process.Start(start)!)
        {
            await process.WaitForExitAsync();
        }

        if (!File.Exists(output))
        {
            return (0, 0);
        }

        double published = 0, received = 0;
        foreach (var line in await File.ReadAllLinesAsync(output))
        {
            // Timestamp,Provider,Counter Name,Counter Type,Mean/Increment
            var fields = line.Split(',');
            if (fields.Length < 5 || !double.TryParse(fields[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            if (fields[2].StartsWith("chat.fanout.events_published", StringComparison.Ordinal))
            {
                published += value;
            }
            else if (fields[2].StartsWith("chat.fanout.events_received", StringComparison.Ordinal))
            {
                received += value;
            }
        }

        File.Delete(output);
        return (published, received);
    }
}
