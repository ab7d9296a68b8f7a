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
    public TimeSpan FirstSightWindow { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a gap in the seq may last before the missing events are read from PostgreSQL.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan GapTimeout { get; set; } = TimeSpan.FromMilliseconds(500);
}
