using System.ComponentModel.DataAnnotations;

namespace Chat.Worker.Attachments;

public sealed class AttachmentCleanupOptions
{
    public const string SectionName = "Attachments";

    /// <summary>An attachment no message carries after this long is deleted: an abandoned upload.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan UnusedFor { get; set; } = TimeSpan.FromDays(1);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(1);
}
