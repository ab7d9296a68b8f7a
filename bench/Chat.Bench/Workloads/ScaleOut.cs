using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Chat.Bench.Targets;

namespace Chat.Bench.Workloads;

/// <summary>
/// The direct workload on 2, 4 and 8 realtime nodes in turn, clients spread evenly over them: what each node is
/// sent of all the events committed (from the nodes' own counters, chat.fanout.events_received against
/// chat.fanout.events_published, read with dotnet-counters while the load runs), and the machine's CPU per message.
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
            // Every node publishes (the senders' nodes) and receives; read them all over the same span as the load.
            var span = warmUp + duration;
            var counters = pids.Take(count).Select(pid => CountAsync(pid, span + TimeSpan.FromSeconds(2))).ToList();
            var load = await direct.ClosedLoopAsync(inFlight, warmUp, duration);
            var counted = await Task.WhenAll(counters);
            var published = counted.Sum(c => c.Published);
            var shares = published > 0 ? counted.Select(c => c.Received / published).ToList() : [];
            results.Add(new Result(count, load with { Target = $"chat (ours), {count} nodes" }, shares));
            Console.WriteLine($"scale-out: {count} nodes, {load.Rate:F0}/s, {load.CpuMicrosecondsPerMessage:F1} µs/message, shares {string.Join(" ", shares.Select(s => s.ToString("P0", CultureInfo.InvariantCulture)))}");
        }

        return results;
    }

    /// <summary>Events published and received by one node over <paramref name="span"/>: the counters' per-second rates, summed.</summary>
    private static async Task<(double Published, double Received)> CountAsync(int processId, TimeSpan span)
    {
        var output = Path.Combine(Path.GetTempPath(), $"chat-bench-fanout-{processId}-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo("dotnet", ["dotnet-counters", "collect", "-p", processId.ToString(CultureInfo.InvariantCulture),
            "--counters", "Chat.Messaging", "--format", "json", "-o", output, "--refresh-interval", "1",
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

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        File.Delete(output);
        double published = 0, received = 0;
        foreach (var e in document.RootElement.GetProperty("Events").EnumerateArray())
        {
            var name = e.GetProperty("name").GetString()!;
            var value = e.GetProperty("value").GetDouble();
            if (name.StartsWith("chat.fanout.events_published", StringComparison.Ordinal))
            {
                published += value;
            }
            else if (name.StartsWith("chat.fanout.events_received", StringComparison.Ordinal))
            {
                received += value;
            }
        }

        return (published, received);
    }
}
