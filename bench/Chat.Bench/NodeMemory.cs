using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Chat.Bench;

/// <summary>
/// A node's memory: the working set from /proc, and for .NET nodes the GC heap after the last collection, read
/// with dotnet-counters (a local tool of this repository) from the runtime's own System.Runtime meter. A .NET node
/// is first dumped with dotnet-gcdump, which makes it run a full collection: the figures are then what the node
/// retains, not the garbage its last connections left behind, and the dump says which types hold it.
/// </summary>
public static class NodeMemory
{
    public sealed record Sample(long WorkingSetBytes, long? GcHeapBytes);

    /// <param name="gcDump">Where to keep the heap dump of a .NET node.</param>
    public static async Task<Sample> ReadAsync(int processId, bool dotnet, string gcDump)
    {
        if (!dotnet)
        {
            return new Sample(ReadWorkingSet(processId), null);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(gcDump))!);
        await RunToolAsync("dotnet-gcdump", "collect", "-p", processId.ToString(CultureInfo.InvariantCulture), "-o", gcDump);
        return new Sample(ReadWorkingSet(processId), await ReadGcHeapAsync(processId));
    }

    private static async Task RunToolAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
    }

    private static long ReadWorkingSet(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static async Task<long?> ReadGcHeapAsync(int processId)
    {
        var output = Path.Combine(Path.GetTempPath(), $"chat-bench-counters-{processId}-{Guid.NewGuid():N}.json");
        await RunToolAsync("dotnet-counters", "collect", "-p", processId.ToString(CultureInfo.InvariantCulture),
            "--counters", "System.Runtime", "--format", "json", "-o", output, "--duration", "00:00:00:04");
        if (!File.Exists(output))
        {
            return null;
        }

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        File.Delete(output);

        // The newest value for each generation (gen0, gen1, gen2, loh, poh), summed.
        var byGeneration = new Dictionary<string, long>();
        foreach (var e in document.RootElement.GetProperty("Events").EnumerateArray())
        {
            if (e.GetProperty("name").GetString()!.StartsWith("dotnet.gc.last_collection.heap.size", StringComparison.Ordinal))
            {
                byGeneration[e.GetProperty("tags").GetString() ?? ""] = (long)e.GetProperty("value").GetDouble();
            }
        }

        return byGeneration.Count == 0 ? null : byGeneration.Values.Sum();
    }
}
