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

    public static bool TryImport(string pem, [NotNullWhen(true)] out ECDsa? key)
    {
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

    private static ECDsa Parse(string pem) =>
        TryImport(pem, out var key) ? key : throw new ArgumentException("Not an ECDSA P-256 private key in PEM form.", nameof(pem));
}
