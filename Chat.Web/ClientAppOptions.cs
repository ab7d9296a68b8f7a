using System.ComponentModel.DataAnnotations;

namespace Chat.Web;

public sealed class ClientAppOptions
{
    public const string SectionName = "ClientApp";

    /// <summary>The built app (Vite's output), relative to the content root.</summary>
    [Required]
    public string Path { get; set; } = "ClientApp/dist";

    /// <summary>
    /// The blob storage origin attachments go to and come from (<c>https://account.blob.core.windows.net</c>): the
    /// one origin besides this one the app may reach. None: the app cannot upload or show attachments.
    /// </summary>
    [Url]
    public string? StorageOrigin { get; set; }
}
