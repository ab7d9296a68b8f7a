using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>An ECDSA P-256 public key imported once, for checking many signatures (a sender key's messages).</summary>
public sealed class SignatureVerifier
{
    private readonly ECDsa _key;

    private SignatureVerifier(ECDsa key) => _key = key;

    /// <returns>Null for a key that is not a point on P-256.</returns>
    public static SignatureVerifier? TryCreate(byte[] publicKey)
    {
        try
        {
            return new SignatureVerifier(ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = P256.Decode(publicKey) }));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public bool Verifies(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == SigningKeyPair.SignatureLength
        && _key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
}
