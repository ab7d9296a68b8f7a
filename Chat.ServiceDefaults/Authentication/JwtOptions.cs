using System.ComponentModel.DataAnnotations;

namespace Chat.ServiceDefaults.Authentication;

/// <summary>Access-token settings shared by the issuer (the API) and every service that validates tokens.</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Jwt";

    /// <summary>HMAC-SHA256 key; the AppHost generates it as a secret parameter. At least 256 bits.</summary>
    [Required, MinLength(32)]
    public string SigningKey { get; set; } = "";

    [Required]
    public string Issuer { get; set; } = "chat";

    [Required]
    public string Audience { get; set; } = "chat";

    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
