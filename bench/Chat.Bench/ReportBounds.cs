using System.Globalization;
using System.Text;
using Chat.Bench.Workloads;

namespace Chat.Bench;

/// <summary>
/// For each target the run misses, what this run's own baselines say about it: the CPU a message may cost at the
/// target rate against what storing it costs PostgreSQL alone, the transport's own ceiling against socket.io, and
/// the bare SignalR peer's memory per connection. Computed, so the report says "cannot here" only when the
/// figures of the same run do.
/// </summary>
public sealed class ReportBounds(
    IReadOnlyList<string> targets,
    IReadOnlyList<WorkloadResult> results,
    IReadOnlyList<IdleConnections.Result> connections,
    PostgresFloor.Result? floor)
{
    /// <summary>A closed loop keeps the machine this busy or more when its CPU, not waiting, sets the rate.</summary>
    private const double Saturated = 0.9;

    private static readonly CultureInfo F = CultureInfo.InvariantCulture;

    public string Render()
    {
        var text = new StringBuilder();
        foreach (var paragraph in new[] { RateAgainstBarePeer(), RateAgainstSocketIo(), MemoryPerConnection() }.OfType<string>())
        {
            text.AppendLine(paragraph).AppendLine();
        }

        return text.ToString();
    }

    private string Ours => targets[0];

    private (WorkloadResult? Ours, WorkloadResult? Peer, string Workload) EightInFlight(string peer)
    {
        var workload = Report.RateWorkload(results) ?? "";
        return (results.FirstOrDefault(r => r.Target == Ours && r.Workload == workload),
            results.FirstOrDefault(r => r.Target == peer && r.Workload == workload), workload);
    }

    private string? RateAgainstBarePeer()
    {
        if (targets.ElementAtOrDefault(1) is not { } peerName)
        {
            return null;
        }

        var (ours, peer, workload) = EightInFlight(peerName);
        if (ours?.CpuMicrosecondsPerMessage is not { } oursCpu || peer?.CpuMicrosecondsPerMessage is not { } peerCpu
            || peer.MachineBusy is not { } peerBusy || ours.Rate >= Report.RateVsBareSignalR * peer.Rate)
        {
            return null;
        }

        var budget = peerCpu / Report.RateVsBareSignalR;
        var margin = budget - peerCpu;
        var text = string.Create(F, $"**Rate against {peerName}.** In the {workload} workload the machine was {ours.MachineBusy:P0} busy for ours and {peerBusy:P0} for the peer, and a delivered message cost the machine {oursCpu:F1} µs of CPU in ours and {peerCpu:F1} µs in the peer (load generator included). ");
        if (peerBusy < Saturated)
        {
            return text + "The peer did not saturate the machine, so its rate is not its CPU's limit and no CPU budget follows from it.";
        }

        text += string.Create(F, $"{Report.RateVsBareSignalR} × the peer's rate on the same cores leaves {budget:F1} µs a message: {margin:F1} µs more than the peer spends, for everything ours does beyond forwarding. ");
        var echo = targets.ElementAtOrDefault(3) is { } echoName ? results.FirstOrDefault(r => r.Target == echoName && r.Workload == workload) : null;
        if (floor is null || echo?.CpuMicrosecondsPerMessage is not { } echoCpu)
        {
            return text;
        }

        // What no design that stores and acknowledges can skip: PostgreSQL's cheapest row, and one frame more each
        // way between node and client (an echoed message is a frame in and a frame out at both ends).
        var storage = floor.PostgresCpuMicrosecondsPerRow;
        var acknowledgement = echoCpu / 2;
        var least = storage + acknowledgement;
        text += string.Create(F, $"Ours must at least store the message (the PostgreSQL floor below: {storage:F1} µs of its CPU per row at {floor.RowsPerCommit} rows a commit) and acknowledge it (one more frame out of the node and into the client: half of what an echoed message cost the machine, {acknowledgement:F1} µs): {least:F1} µs. ");
        return text + (least > margin
            ? string.Create(F, $"That is {least / margin:F1} × the margin. To meet the target, a design that commits each message to PostgreSQL before acknowledging it would have to forward a message for {least - margin:F1} µs less than the bare peer does on the same SignalR transport, and check, number and fan it out for nothing: out of reach on this machine, where PostgreSQL shares the cores; it needs cores of its own.")
            : string.Create(F, $"That fits in the margin; the rest of ours, {oursCpu - peerCpu - least:F1} µs a message, is the gap to close."));
    }

    private string? RateAgainstSocketIo()
    {
        if (targets.ElementAtOrDefault(1) is not { } bare || targets.ElementAtOrDefault(2) is not { } socketIo)
        {
            return null;
        }

        var (ours, bareResult, workload) = EightInFlight(bare);
        var socketIoResult = results.FirstOrDefault(r => r.Target == socketIo && r.Workload == workload);
        if (ours is null || bareResult is null || socketIoResult is null || ours.Rate >= Report.RateVsSocketIo * socketIoResult.Rate)
        {
            return null;
        }

        var ceiling = bareResult.Rate / socketIoResult.Rate;
        return string.Create(F, $"**Rate against {socketIo}.** In the same workload {bare}, which forwards without storing or acknowledging, delivered {ceiling:F2} × {socketIo}'s rate. {Report.RateVsSocketIo} × {socketIo} is {Report.RateVsSocketIo / ceiling:F2} × that transport's own rate: ")
            + (ceiling < Report.RateVsSocketIo
                ? "more than the transport ours is built on delivers on this machine when it only forwards, before ours stores anything."
                : "within the transport's ceiling; the gap is ours.");
    }

    private string? MemoryPerConnection()
    {
        var ours = connections.FirstOrDefault(c => c.Target == Ours);
        var peer = connections.FirstOrDefault(c => c.Target == targets.ElementAtOrDefault(1));
        if (ours is null || peer?.GcHeapKiBPerConnection is not { } peerHeap || ours.KiBPerConnection <= Report.KiBPerConnection)
        {
            return null;
        }

        return string.Create(F, $"**Memory per connection.** {peer.Target}, whose per-connection state is SignalR's, Kestrel's and its Redis backplane's (no authentication), grew its GC heap by {peerHeap:F1} KiB and its working set by {peer.WorkingSetKiBPerConnection:F1} KiB per idle connection (after a full collection), ours {ours.GcHeapKiBPerConnection:F1} and {ours.WorkingSetKiBPerConnection:F1} KiB. ")
            + (peerHeap > Report.KiBPerConnection
                ? $"The bare transport's GC heap alone grows by more than the {Report.KiBPerConnection} KiB target for each connection, before any application adds to it."
                : "The bare transport's objects fit within the target; the rest is ours.");
    }
}
