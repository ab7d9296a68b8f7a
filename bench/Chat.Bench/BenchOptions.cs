namespace Chat.Bench;

/// <summary>The command line (--Key value), as bench/run.sh passes it.</summary>
public sealed class BenchOptions
{
    /// <summary>Small sizes and short runs: under a minute, to show the benchmark still works (Chat.Tests runs it).</summary>
    public bool Quick { get; set; }

    public string Output { get; set; } = "docs/benchmarks.md";

    /// <summary>The command that produced the report, written into it.</summary>
    public string Command { get; set; } = "bench/run.sh";

    /// <summary>Hand-written notes appended to the report: where the time goes, what changed.</summary>
    public string? Analysis { get; set; }

    /// <summary>Only these systems (chat, signalr, socketio, echo), comma-separated; all when empty. For investigating one.</summary>
    public string Only { get; set; } = "";

    /// <summary>
    /// Only these workloads (direct, fanout, idle, slow, e2ee, storm, floor, attachments, scaleout), comma-separated;
    /// all but scaleout when empty. For investigating one.
    /// </summary>
    public string Workloads { get; set; } = "";

    /// <summary>Overrides the measured duration of each message workload, in seconds.</summary>
    public double? Seconds { get; set; }

    /// <summary>Overrides the direct workload's client counts with this one.</summary>
    public int? Clients { get; set; }

    /// <summary>Where the idle-connection workload keeps the heap dumps of the .NET nodes it measures.</summary>
    public string GcDumps { get; set; } = Path.Combine(Path.GetTempPath(), "chat-bench-gcdumps");

    public string ChatApi { get; set; } = "";

    /// <summary>Eight realtime nodes and their processes, for the scale-out workload (the first two are <see cref="ChatNodes"/>).</summary>
    public string ScaleNodes { get; set; } = "";
    public string ScalePids { get; set; } = "";

    /// <summary>Eight bare SignalR peer nodes and their processes, for the scale-out workload's comparison (the first two are <see cref="SignalRNodes"/>).</summary>
    public string ScalePeerNodes { get; set; } = "";
    public string ScalePeerPids { get; set; } = "";

    public string ChatNodes { get; set; } = "";
    public string ChatPids { get; set; } = "";

    /// <summary>The deployment's access-token signing key, so the generator can sign tokens for many devices.</summary>
    public string JwtSigningKey { get; set; } = "";

    /// <summary>Our database and its server's process, for the PostgreSQL floor (<see cref="Workloads.PostgresFloor"/>).</summary>
    public string PostgresConnection { get; set; } = "";
    public int? PostgresPid { get; set; }

    /// <summary>The Redis server's process (or the script that started it), whose CPU the scale-out workload reports.</summary>
    public int? RedisPid { get; set; }

    /// <summary>The storage emulator's connection string, for the attachments workload (<see cref="Workloads.AttachmentTransfer"/>).</summary>
    public string StorageConnection { get; set; } = "";

    public string SignalRNodes { get; set; } = "";
    public string SignalRPids { get; set; } = "";
    public string SocketIoNodes { get; set; } = "";
    public string SocketIoPids { get; set; } = "";
    public string Echo { get; set; } = "";
    public string EchoPid { get; set; } = "";

    public static IReadOnlyList<Uri> Uris(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u)).ToList();

    public static IReadOnlyList<int> Ids(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToList();
}

/// <summary>How big each workload is: the sizes, or the quick mode's.</summary>
public sealed record BenchSizes(
    int[] DirectClients,
    int[] InFlight,
    TimeSpan ProcessWarmUp,
    TimeSpan WarmUp,
    TimeSpan Duration,
    int[] GroupSizes,
    int GroupMessages,
    int IdleConnections,
    int StormUsers,
    int StormDevicesPerUser,
    int StormMessages,
    TimeSpan FloorDuration,
    double SlowConsumerRate)
{
    public static readonly BenchSizes Full = new([100, 1000], [1, 8], TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10),
        [100, 1000], 100, 10_000, 1000, 2, 3, TimeSpan.FromSeconds(10), 1000);

    public static readonly BenchSizes Quick = new([20], [1, 8], TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1),
        [20], 5, 100, 20, 2, 2, TimeSpan.FromSeconds(1), 100);

    /// <summary>Enough for every workload; the slow-consumer workload needs five more than its pairs.</summary>
    public int Users => Math.Max(Math.Max(DirectClients.Max(), DirectClients[0] + 5), Math.Max(GroupSizes.Max(), StormUsers));
}
