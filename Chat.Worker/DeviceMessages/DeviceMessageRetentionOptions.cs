using System.ComponentModel.DataAnnotations;

namespace Chat.Worker.DeviceMessages;

public sealed class DeviceMessageRetentionOptions
{
    public const string SectionName = "DeviceMessages";

    /// <summary>
    /// How long an envelope waits for its device to acknowledge it (a device offline longer has been abandoned, and
    /// its sessions must start again), and how long a send's client id is remembered for resends.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);
}
