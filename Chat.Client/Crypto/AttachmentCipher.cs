using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>
/// An attachment's bytes encrypted on the device (docs/e2ee.md, "Attachments"): a random AES-256-GCM key per file,
/// the file cut into 64 KiB chunks each sealed on its own (so a large file streams in either direction), the
/// chunk's index and whether it is the last in its nonce (so chunks cannot be reordered, dropped or cut off).
/// The key travels inside the end-to-end encrypted message; storage holds the ciphertext only.
/// </summary>
public static class AttachmentCipher
{
    public const int ChunkSize = 64 * 1024;
    public const int KeyLength = 32;

    /// <summary>What encrypting <paramref name="plaintext"/> makes: its size, then, per chunk, a 16-byte tag more.</summary>
    public static long CiphertextLength(long plaintextLength) =>
        plaintextLength + Aead.TagLength * Math.Max(1, (plaintextLength + ChunkSize - 1) / ChunkSize);

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyLength);

    public static byte[] Encrypt(byte[] key, ReadOnlySpan<byte> plaintext)
    {
        var chunks = (int)Math.Max(1, (plaintext.Length + ChunkSize - 1) / ChunkSize);
        var output = new byte[CiphertextLength(plaintext.Length)];
        using var aes = new AesGcm(key, Aead.TagLength);
        for (var i = 0; i < chunks; i++)
        {
            var chunk = plaintext.Slice(i * ChunkSize, Math.Min(ChunkSize, plaintext.Length - i * ChunkSize));
            var at = i * (ChunkSize + Aead.TagLength);
            aes.Encrypt(Nonce(i, i == chunks - 1), chunk, output.AsSpan(at, chunk.Length), output.AsSpan(at + chunk.Length, Aead.TagLength));
        }

        return output;
    }

    /// <exception cref="AuthenticationTagMismatchException">The ciphertext was changed, reordered or cut short, or the key is wrong.</exception>
    public static byte[] Decrypt(byte[] key, ReadOnlySpan<byte> ciphertext)
    {
        const int sealedChunk = ChunkSize + Aead.TagLength;
        var chunks = Math.Max(1, (ciphertext.Length + sealedChunk - 1) / sealedChunk);
        if (ciphertext.Length < Aead.TagLength || ciphertext.Length - (chunks - 1) * sealedChunk < Aead.TagLength)
        {
            throw new AuthenticationTagMismatchException("Shorter than its chunks' tags.");
        }

        var output = new byte[ciphertext.Length - chunks * Aead.TagLength];
        using var aes = new AesGcm(key, Aead.TagLength);
        for (var i = 0; i < chunks; i++)
        {
            var sealedData = ciphertext.Slice(i * sealedChunk, Math.Min(sealedChunk, ciphertext.Length - i * sealedChunk));
            aes.Decrypt(Nonce(i, i == chunks - 1), sealedData[..^Aead.TagLength], sealedData[^Aead.TagLength..],
                output.AsSpan(i * ChunkSize, sealedData.Length - Aead.TagLength));
        }

        return output;
    }

    /// <summary>4 bytes: 1 for the last chunk, else 0; then the chunk's index, 8 bytes big-endian.</summary>
    private static byte[] Nonce(long index, bool last)
    {
        var nonce = new byte[12];
        nonce[3] = last ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64BigEndian(nonce.AsSpan(4), index);
        return nonce;
    }
}
