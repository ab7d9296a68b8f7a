using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Bench;

/// <summary>
/// Runs the benchmark's quick mode, so that the benchmark cannot rot: it must start every system, run every
/// workload and count messages. It asserts that work was done, never how fast (this machine is shared and noisy).
/// </summary>
[Trait("Category", "Bench")]
public sealed class BenchmarkQuickModeTests
{
    [Fact]
    public async Task The_quick_benchmark_runs_every_workload_against_every_system_and_counts_messages()
    {
        var report = Path.Combine(Path.GetTempPath(), $"chat-bench-{Guid.NewGuid():N}.md");
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var start = new ProcessStartInfo("bash", ["bench/run.sh", "--quick", "--configuration", configuration, "--output", report])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"bench/run.sh --quick exited with {process.ExitCode}:\n{await errors}\n{await output}");

        var lines = File.ReadAllLines(report);
        // The measured tables only: the hand-written analysis appended to every report has tables of its own,
        // figures from named runs, which a row filter below could mistake for this run's.
        var analysis = Array.IndexOf(lines, "## Where the time goes, and what changed");
        Assert.True(analysis > 0, "the report has no analysis section");
        var afterAnalysis = Array.FindIndex(lines, analysis + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        var measuredLines = lines.Take(analysis).Concat(afterAnalysis < 0 ? [] : lines.Skip(afterAnalysis));
        var rows = measuredLines.Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Select(l => l.Split('|', StringSplitOptions.TrimEntries)).ToList();
        File.Delete(report);

        // | system | workload | delivered/s | p50 | p99 | p99.9 | errors | machine busy | CPU µs / message |
        var messageRows = rows.Where(r => r.Length == 11 && double.TryParse(r[3], CultureInfo.InvariantCulture, out _)).ToList();
        foreach (var system in new[] { "chat (ours)", "bare SignalR + Redis", "socket.io + Redis adapter", "Kestrel WebSocket echo" })
        {
            var closedLoop = messageRows.Where(r => r[1] == system && r[2].StartsWith("direct", StringComparison.Ordinal) && r[2].Contains("closed loop", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, closedLoop.Count);
            Assert.All(closedLoop, r => Assert.True(double.Parse(r[3], CultureInfo.InvariantCulture) > 0, $"{system}: {r[2]} delivered nothing"));
            Assert.All(closedLoop, r => Assert.True(double.Parse(r[9], CultureInfo.InvariantCulture) > 0, $"{system}: {r[2]} has no CPU per message"));
            Assert.Contains(messageRows, r => r[1] == system && r[2].Contains("open loop", StringComparison.Ordinal));
        }

        var fanouts = messageRows.Where(r => r[2].StartsWith("group fan-out", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, fanouts.Count);
        // Ours beside a flood, with every member reading and with one member's device stalled; the node cut it off.
        var slow = messageRows.Where(r => r[2].StartsWith("slow consumer", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, slow.Count);
        Assert.All(slow, r => Assert.True(double.Parse(r[3], CultureInfo.InvariantCulture) > 0, $"{r[2]} delivered nothing"));
        Assert.Contains("the stalled device was cut off", slow.Single(r => r[2].EndsWith("stopped reading", StringComparison.Ordinal))[7]);
        // Ours plain and encrypted, in turn at each depth; and the clients' cost of encryption, for two and 100 devices.
        var pairs = messageRows.Where(r => r[2].StartsWith("e2ee pair: direct", StringComparison.Ordinal)).ToList();
        Assert.Equal(["chat (ours)", "chat (ours, encrypted)"], pairs.Select(r => r[1]).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(4, pairs.Count);
        Assert.All(pairs, r => Assert.True(double.Parse(r[3], CultureInfo.InvariantCulture) > 0 && r[7] == "0", $"{r[1]}: {r[2]} delivered nothing or failed"));
        var costs = rows.Where(r => r.Length == 7 && r[1] is "2" or "100").ToList();
        Assert.Equal(2, costs.Count);
        Assert.All(costs, r => Assert.True(double.Parse(r[5], CultureInfo.InvariantCulture) > 0, $"no encryption cost: {string.Join('|', r)}"));
        var storm = Assert.Single(messageRows, r => r[2].StartsWith("reconnect storm", StringComparison.Ordinal));
        Assert.Equal("0", storm[7]);
        // | system | connections | connect time (rounds) | ...: every connecting system timed twice, in turns.
        foreach (var system in new[] { "chat (ours)", "bare SignalR + Redis", "socket.io + Redis adapter" })
        {
            var idle = Assert.Single(rows, r => r.Length > 3 && r[1] == system && r[2] == "100");
            Assert.Matches(@"^\d+\.\d s \(\d+\.\d, \d+\.\d\)$", idle[3]);
        }

        // The PostgreSQL floor stored rows and measured the server's CPU for them.
        var floor = Assert.Single(measuredLines, l => l.StartsWith("Message rows stored as cheaply", StringComparison.Ordinal));
        var measured = Regex.Match(floor, @": [1-9]\d* rows/s, \*\*(\d+\.\d) µs of PostgreSQL's CPU per row");
        Assert.True(measured.Success && double.Parse(measured.Groups[1].Value, CultureInfo.InvariantCulture) > 0, floor);
    }
}
