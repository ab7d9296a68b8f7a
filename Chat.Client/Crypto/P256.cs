using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>The uncompressed encoding of P-256 points: <c>0x04</c>, then X and Y, 32 bytes each.</summary>
public static class P256
{
    public const int PublicKeyLength = 65;

    public static byte[] Encode(ECPoint point) => [0x04, .. point.X!, .. point.Y!];

    /// <exception cref="CryptographicException">Not 65 bytes starting with 0x04.</exception>
    public static ECPoint Decode(ReadOnlySpan<byte> encoded) =>
        encoded.Length == PublicKeyLength && encoded[0] == 0x04
            ? new ECPoint { X = encoded[1..33].ToArray(), Y = encoded[33..].ToArray() }
            : throw new CryptographicException("A P-256 public key is 65 bytes, 0x04||X||Y.");
}
