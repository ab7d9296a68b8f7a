using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Attachments;

/// <summary>Limits and grant lifetimes for attachments; docs/protocol.md states the defaults.</summary>
public sealed class AttachmentOptions
{
    public const string SectionName = "Attachments";

    /// <summary>The largest file, in bytes (100 MiB); at most what one Put Blob may carry (5000 MiB).</summary>
    [Range(1, 5000L * 1024 * 1024)]
    public long MaxSize { get; set; } = 100L * 1024 * 1024;

    /// <summary>What one user may have stored at once, in bytes: uploads still unused count too.</summary>
    [Range(1, long.MaxValue)]
    public long QuotaPerUser { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Announced files of one user not yet completed: each may hold storage until the worker removes it.</summary>
    [Range(1, 1000)]
    public int MaxPendingUploads { get; set; } = 20;

    /// <summary>How long an upload grant works: long enough to start uploading a large file.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan UploadGrantLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a download grant works.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan DownloadGrantLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Media types a file may declare. An end-to-end encrypted file is <c>application/octet-stream</c> to the
    /// server: its real type travels inside the encrypted message.
    /// </summary>
    [MinLength(1)]
    public List<string> AllowedContentTypes { get; set; } =
    [
        "application/octet-stream", "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "video/mp4", "video/webm",
        "audio/mpeg", "audio/mp4", "audio/ogg", "audio/webm", "application/pdf", "text/plain", "application/zip",
    ];

    /// <summary>Browser origins allowed to upload and download straight to storage (its CORS rules), such as the web app's.</summary>
    public List<string> BrowserOrigins { get; set; } = [];
}
