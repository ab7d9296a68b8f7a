using System.ComponentModel.DataAnnotations;

namespace Chat.Realtime.Connections;

/// <summary>
/// How far a connection may fall behind before this node closes it (<see cref="ConnectionOutbox"/>). Events wait
/// here only once the connection's own buffers are full (SignalR's pipe and the socket's), so these bounds are room
/// beyond what the transport holds, not a connection's whole backlog.
/// </summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>
    /// Serialised events waiting for one connection: sixty-four of the largest message events, so that a healthy
    /// client taking a burst of large group messages on a busy machine keeps its connection; the node's budget,
    /// not this, bounds the memory of many connections. At least room for two of them.
    /// </summary>
    [Range(256 * 1024, 64 * 1024 * 1024)]
    public int MaxQueuedBytes { get; set; } = 4 * 1024 * 1024;

    [Range(1, 100_000)]
    public int MaxQueuedEvents { get; set; } = 1000;

    /// <summary>
    /// What all of the node's connections may have waiting together: with it, 10,000 connections that all fall
    /// behind at once hold 256 MiB of queued events, not 10,000 times <see cref="MaxQueuedBytes"/>; with about
    /// 22 KiB of each idle connection (docs/benchmarks.md) that fits the realtime pod's 1.5 GiB with SignalR's own buffers (docs/deploy.md).
    /// </summary>
    [Range(1024 * 1024, 64L * 1024 * 1024 * 1024)]
    public long MaxNodeQueuedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// How long one event may wait to be written to a connection before the connection is closed. The wait includes
    /// whatever the connection is taking at the time (a large Sync answer on a slow link), so it is as generous as
    /// SignalR's own timeout for a client that sends nothing.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
