using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>AES-256-GCM with a 16-byte tag after the ciphertext. Each key and nonce come from one message key, used once.</summary>
public static class Aead
{
    public const int TagLength = 16;

    public static byte[] Seal((byte[] Key, byte[] Nonce) keys, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var output = new byte[plaintext.Length + TagLength];
        using var aes = new AesGcm(keys.Key, TagLength);
        aes.Encrypt(keys.Nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), associatedData);
        return output;
    }

    /// <exception cref="AuthenticationTagMismatchException">The ciphertext, tag or associated data were changed, or the key is wrong.</exception>
    public static byte[] Open((byte[] Key, byte[] Nonce) keys, ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        if (sealedData.Length < TagLength)
        {
            throw new AuthenticationTagMismatchException("Shorter than a tag.");
        }

        var plaintext = new byte[sealedData.Length - TagLength];
        using var aes = new AesGcm(keys.Key, TagLength);
        aes.Decrypt(keys.Nonce, sealedData[..^TagLength], sealedData[^TagLength..], plaintext, associatedData);
        return plaintext;
    }
}
