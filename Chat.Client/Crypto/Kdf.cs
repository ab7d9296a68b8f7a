using System.Security.Cryptography;
using System.Text;

namespace Chat.Client.Crypto;

/// <summary>The key derivations of docs/e2ee.md, all HKDF-SHA256 or HMAC-SHA256; each info string is versioned.</summary>
public static class Kdf
{
    private static readonly byte[] ZeroSalt = new byte[32];
    private static readonly byte[] MessageKeyInput = [0x01];
    private static readonly byte[] ChainKeyInput = [0x02];
    private static readonly byte[] X3dhPrefix = Enumerable.Repeat((byte)0xFF, 32).ToArray();

    /// <summary>X3DH's shared secret from DH1||DH2||DH3[||DH4]: HKDF(0xFF×32 || dh, salt 0×32, "Chat X3DH v1"), 32 bytes.</summary>
    public static byte[] X3dh(ReadOnlySpan<byte> dhOutputs) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, [.. X3dhPrefix, .. dhOutputs], 32, ZeroSalt, Encoding.ASCII.GetBytes("Chat X3DH v1"));

    /// <summary>The Double Ratchet's root step: HKDF(dh, salt root key, "Chat Ratchet v1"), 64 bytes: the next root key, then a chain key.</summary>
    public static (byte[] RootKey, byte[] ChainKey) Root(byte[] rootKey, byte[] dhOutput)
    {
        var output = HKDF.DeriveKey(HashAlgorithmName.SHA256, dhOutput, 64, rootKey, Encoding.ASCII.GetBytes("Chat Ratchet v1"));
        return (output[..32], output[32..]);
    }

    /// <summary>A chain's step (Double Ratchet and sender keys alike): message key HMAC(ck, 0x01), next chain key HMAC(ck, 0x02).</summary>
    public static (byte[] MessageKey, byte[] NextChainKey) Chain(byte[] chainKey) =>
        (HMACSHA256.HashData(chainKey, MessageKeyInput), HMACSHA256.HashData(chainKey, ChainKeyInput));

    /// <summary><see cref="Chain"/> writing the message key into <paramref name="messageKey"/> (32 bytes), for the hot path.</summary>
    public static byte[] Chain(byte[] chainKey, Span<byte> messageKey)
    {
        HMACSHA256.HashData(chainKey, MessageKeyInput, messageKey);
        return HMACSHA256.HashData(chainKey, ChainKeyInput);
    }

    /// <summary><see cref="Message"/> writing key then nonce into <paramref name="keyAndNonce"/> (44 bytes), for the hot path.</summary>
    public static void Message(ReadOnlySpan<byte> messageKey, ReadOnlySpan<byte> info, Span<byte> keyAndNonce) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, messageKey, keyAndNonce, ZeroSalt, info);

    /// <summary>A message key's AES-256-GCM key and nonce: HKDF(mk, salt 0×32, info), 44 bytes: 32 of key, then 12 of nonce.</summary>
    public static (byte[] Key, byte[] Nonce) Message(byte[] messageKey, string info)
    {
        var output = HKDF.DeriveKey(HashAlgorithmName.SHA256, messageKey, 44, ZeroSalt, Encoding.ASCII.GetBytes(info));
        return (output[..32], output[32..]);
    }
}
