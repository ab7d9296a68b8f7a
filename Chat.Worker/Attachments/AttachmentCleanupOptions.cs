using System.ComponentModel.DataAnnotations;

namespace Chat.Worker.Attachments;

public sealed class AttachmentCleanupOptions
{
    public const string SectionName = "Attachments";

    /// <summary>An attachment no message carries after this long is deleted: an abandoned upload.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan UnusedFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>An announced upload not completed after this long is deleted: a grant cannot bound what it stores.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan UncompletedFor { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// At least the API's upload grant lifetime (its default is 10 minutes; this one has room for the clocks): a blob
    /// is deleted for good only once no grant can write it again, so a file deleted early cannot come back untracked.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan UploadGrantLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(1);
}
