using System.ComponentModel.DataAnnotations;

namespace Chat.Web;

public sealed class ClientAppOptions
{
    public const string SectionName = "ClientApp";

    /// <summary>The built app (Vite's output), relative to the content root.</summary>
    [Required]
    public string Path { get; set; } = "ClientApp/dist";
}
