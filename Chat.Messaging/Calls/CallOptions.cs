using System.ComponentModel.DataAnnotations;

namespace Chat.Messaging.Calls;

/// <summary>The timings and size of calls; docs/protocol.md states the defaults.</summary>
public sealed class CallOptions
{
    public const string SectionName = "Calls";

    /// <summary>How long invitees' devices ring before an unanswered call ends as missed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RingTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// How long a participant device stays in a call without a connection to any realtime node: its node renews
    /// the device's deadline every third of this, so a device whose node died leaves within it, as presence does.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:03", "00:05:00")]
    public TimeSpan ParticipantTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Devices in one call, the caller's included: every pair holds its own peer connection (full mesh).</summary>
    [Range(2, 8)]
    public int MaxParticipants { get; set; } = 8;

    /// <summary>How often each realtime node looks for deadlines that passed (ring timeouts, silent participants).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);
}
