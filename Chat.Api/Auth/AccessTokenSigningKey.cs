using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Api.Auth;

/// <summary>
/// The ES256 key pair access tokens are signed with. Its id is the public key's JWK thumbprint (RFC 7638), so a
/// verifier finds the key a token names in the published key set, and a new key gets a new id.
/// </summary>
public sealed class AccessTokenSigningKey
{
    private AccessTokenSigningKey(ECDsa privateKey)
    {
        var publicKey = ECDsa.Create(privateKey.ExportParameters(includePrivateParameters: false));
        PublicJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicKey));
        var keyId = Base64UrlEncoder.Encode(PublicJwk.ComputeJwkThumbprint());
        PublicJwk.KeyId = keyId;
        PublicJwk.Alg = SecurityAlgorithms.EcdsaSha256;
        PublicJwk.Use = JsonWebKeyUseNames.Sig;
        PrivateKey = new ECDsaSecurityKey(privateKey) { KeyId = keyId };
        PublicKey = new ECDsaSecurityKey(publicKey) { KeyId = keyId };
    }

    public AccessTokenSigningKey(IOptions<AccessTokenSigningOptions> options) : this(Parse(options.Value.SigningKey))
    {
    }

    public ECDsaSecurityKey PrivateKey { get; }

    public ECDsaSecurityKey PublicKey { get; }

    /// <summary>The public key as published in the key set.</summary>
    public JsonWebKey PublicJwk { get; }

    public static AccessTokenSigningKey FromPem(string pem) => new(Parse(pem));

    /// <summary>The shortest secret a key is derived from: aspirate's generated values are 22 characters.</summary>
    public const int MinSecretLength = 22;

    /// <summary>
    /// A PEM private key (what the AppHost and the project's generator make), or any other secret of at least
    /// <see cref="MinSecretLength"/> characters, from which a key is derived: aspirate can only generate random
    /// strings for a secret parameter, and every API replica derives the same key from the same string.
    /// </summary>
    public static bool TryImport(string pemOrSecret, [NotNullWhen(true)] out ECDsa? key)
    {
        if (!pemOrSecret.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            key = pemOrSecret.Length >= MinSecretLength ? Derive(pemOrSecret) : null;
            return key is not null;
        }

        var pem = pemOrSecret;
        key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize == 256 && key.ExportParameters(includePrivateParameters: true).D is { Length: > 0 })
            {
                return true;
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
        }

        key.Dispose();
        key = null;
        return false;
    }

    /// <summary>
    /// A P-256 private scalar from the secret by HKDF-SHA256; the next counter is tried in the rare case (about 2^-32)
    /// that 32 bytes are not below the curve's order. The public point is computed by the platform's cryptography.
    /// </summary>
    private static ECDsa? Derive(string secret)
    {
        var material = System.Text.Encoding.UTF8.GetBytes(secret);
        for (byte counter = 0; counter < 16; counter++)
        {
            var d = HKDF.DeriveKey(HashAlgorithmName.SHA256, material, 32, salt: "chat access tokens"u8.ToArray(), info: [.. "ES256 signing key "u8, counter]);
            try
            {
                var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
                key.ExportParameters(includePrivateParameters: false);
                return key;
            }
            catch (CryptographicException)
            {
            }
        }

        return null;
    }

    private static ECDsa Parse(string pem) =>
        TryImport(pem, out var key) ? key : throw new ArgumentException("Not an ECDSA P-256 private key in PEM form, nor a secret to derive one from.", nameof(pem));
}
