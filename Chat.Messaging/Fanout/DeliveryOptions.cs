using System.ComponentModel.DataAnnotations;

namespace Chat.Messaging.Fanout;

public sealed class DeliveryOptions
{
    public const string SectionName = "Delivery";

    /// <summary>
    /// How long a conversation first seen mid-sequence waits for earlier events before delivering; not at all when
    /// the publisher says the previous event was sent longer ago than <see cref="GapTimeout"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    /// <remarks>
    /// As long as the gap timeout by default: what is given up when it passes is lost to live delivery (clients find it
    /// by Sync), and a node's own commits reach it in process, ahead of another node's earlier ones still on their way
    /// through Redis, which under load took longer than a shorter window (50 ms).
    /// </remarks>
    public TimeSpan FirstSightWindow { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a gap in the seq may last before the missing events are read from PostgreSQL.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan GapTimeout { get; set; } = TimeSpan.FromMilliseconds(500);
}
