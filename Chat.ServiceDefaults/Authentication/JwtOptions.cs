using System.ComponentModel.DataAnnotations;

namespace Chat.ServiceDefaults.Authentication;

/// <summary>
/// Access-token settings shared by the issuer (the API) and every service that validates tokens. Tokens are signed
/// with ES256 by the API alone; the others never hold the private key: they read the public keys from the API's
/// key set at <see cref="MetadataAddress"/>.
/// </summary>
public sealed class JwtOptions
{
    public const string SectionName = "Jwt";

    [Required]
    public string Issuer { get; set; } = "chat";

    [Required]
    public string Audience { get; set; } = "chat";

    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The issuer's discovery document (<c>/.well-known/openid-configuration</c>), for services that verify tokens
    /// without issuing them. Empty in the issuer, which verifies with its own key.
    /// </summary>
    [Url]
    public string? MetadataAddress { get; set; }
}
