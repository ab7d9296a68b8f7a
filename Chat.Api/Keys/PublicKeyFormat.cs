using System.Buffers.Text;
using System.Security.Cryptography;

namespace Chat.Api.Keys;

/// <summary>
/// Checks what a device publishes: every key a P-256 point on the curve, the signed prekey signed by the device's
/// signing key. The server checks the form only; it cannot check that a device holds the private halves.
/// </summary>
public static class PublicKeyFormat
{
    public const int PointLength = 65;
    public const int SignatureLength = 64;

    /// <summary>The point's bytes, or null when the text is not base64url of an uncompressed P-256 point on the curve.</summary>
    public static byte[]? Point(string? text)
    {
        if (Decode(text, PointLength) is not { } bytes || bytes[0] != 0x04)
        {
            return null;
        }

        try
        {
            using var key = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = bytes[1..33], Y = bytes[33..] },
            });
            return bytes;
        }
        catch (CryptographicException)
        {
            // Not on the curve: a point chosen to leak an honest device's key in agreement.
            return null;
        }
    }

    public static byte[]? Signature(string? text) => Decode(text, SignatureLength);

    /// <summary>ECDSA P-256 with SHA-256 over <paramref name="data"/>, P1363 signature.</summary>
    public static bool Verifies(byte[] signingKey, byte[] data, byte[] signature)
    {
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = signingKey[1..33], Y = signingKey[33..] },
        });
        return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public static string Encode(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private static byte[]? Decode(string? text, int length)
    {
        if (text is null || text.Length > 2 * length || !Base64Url.IsValid(text))
        {
            return null;
        }

        var bytes = Base64Url.DecodeFromChars(text);
        return bytes.Length == length ? bytes : null;
    }
}
