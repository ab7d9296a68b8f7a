using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>
/// A P-256 key pair for ECDH: the private scalar (32 bytes) and the public point uncompressed (65 bytes,
/// <c>0x04||X||Y</c>, WebCrypto's "raw" form). Agreement yields the shared point's X coordinate (32 bytes), as
/// WebCrypto's <c>deriveBits</c> does.
/// </summary>
public sealed record AgreementKeyPair(byte[] PrivateKey, byte[] PublicKey)
{
    public static AgreementKeyPair Generate()
    {
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        return new AgreementKeyPair(parameters.D!, P256.Encode(parameters.Q));
    }

    /// <summary>The pair of a known private scalar (test vectors): the public point is computed from it.</summary>
    public static AgreementKeyPair FromPrivateKey(byte[] privateKey)
    {
        using var key = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = privateKey });
        return new AgreementKeyPair(privateKey, P256.Encode(key.ExportParameters(includePrivateParameters: false).Q));
    }

    /// <summary>Imported once: importing a key checks it, which costs as much as an agreement.</summary>
    private ECDiffieHellman? _key;

    /// <summary>Not thread-safe: one caller at a time (a session is used on one queue).</summary>
    /// <exception cref="CryptographicException">The other key is not a point on P-256.</exception>
    public byte[] Agree(byte[] theirPublicKey)
    {
        _key ??= ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = PrivateKey, Q = P256.Decode(PublicKey) });
        using var theirs = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = P256.Decode(theirPublicKey) });
        return _key.DeriveRawSecretAgreement(theirs.PublicKey);
    }
}
