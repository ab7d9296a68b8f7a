using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>
/// A P-256 key pair for ECDSA with SHA-256; signatures are <c>r||s</c> (64 bytes, IEEE P1363, WebCrypto's form).
/// </summary>
public sealed record SigningKeyPair(byte[] PrivateKey, byte[] PublicKey)
{
    public const int SignatureLength = 64;

    public static SigningKeyPair Generate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        return new SigningKeyPair(parameters.D!, P256.Encode(parameters.Q));
    }

    /// <summary>Imported once: importing a key checks it, which costs as much as a signature.</summary>
    private ECDsa? _key;

    /// <summary>Not thread-safe: one signer at a time (a sender key is used on one queue).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        _key ??= ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = PrivateKey, Q = P256.Decode(PublicKey) });
        return _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <returns>False for a wrong signature, and for a key that is not a point on P-256.</returns>
    public static bool Verifies(byte[] publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        SignatureVerifier.TryCreate(publicKey) is { } verifier && verifier.Verifies(data, signature);
}
