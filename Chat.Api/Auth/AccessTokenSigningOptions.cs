using System.ComponentModel.DataAnnotations;

namespace Chat.Api.Auth;

/// <summary>The access tokens' private key: only the API, which issues them, is given it.</summary>
public sealed class AccessTokenSigningOptions : IValidatableObject
{
    public const string SectionName = "Jwt";

    /// <summary>The connection string the key arrives as (<see cref="Microsoft.Extensions.Hosting.SecretSettings"/>).</summary>
    public const string SecretName = "jwt-private-key";

    /// <summary>
    /// An ECDSA P-256 private key, PEM (PKCS#8 or SEC1), which the AppHost generates as a secret parameter; or a random
    /// secret of at least 22 characters that the key is derived from (<see cref="AccessTokenSigningKey.TryImport"/>).
    /// </summary>
    [Required]
    public string SigningKey { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!AccessTokenSigningKey.TryImport(SigningKey, out _))
        {
            yield return new ValidationResult($"Jwt:SigningKey must be an ECDSA P-256 private key in PEM form, or a random secret of at least {AccessTokenSigningKey.MinSecretLength} characters.", [nameof(SigningKey)]);
        }
    }
}
