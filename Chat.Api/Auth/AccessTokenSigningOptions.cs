using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Auth;

/// <summary>The access tokens' private key: only the API, which issues them, is given it.</summary>
public sealed class AccessTokenSigningOptions : IValidatableObject
{
    public const string SectionName = "Jwt";

    /// <summary>An ECDSA P-256 private key, PEM (PKCS#8 or SEC1); the AppHost generates it as a secret parameter.</summary>
    [Required]
    public string SigningKey { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!AccessTokenSigningKey.TryImport(SigningKey, out _))
        {
            yield return new ValidationResult("Jwt:SigningKey must be an ECDSA P-256 private key in PEM form.", [nameof(SigningKey)]);
        }
    }
}
