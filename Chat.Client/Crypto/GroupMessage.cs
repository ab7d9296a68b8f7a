using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>
/// A conversation message encrypted with its sender's sender key, docs/e2ee.md "Conversation messages": version 1,
/// type 3, distribution id (16), iteration (u32), AES-256-GCM ciphertext and tag, and an ECDSA P-256 signature (64)
/// by the sender key's signing key over binding || everything before the signature.
/// </summary>
public sealed record GroupMessage(Guid DistributionId, uint Iteration, byte[] Ciphertext, byte[] Signature)
{
    public const byte Version = 1;
    public const byte Type = 3;
    public const int HeaderLength = 22;

    public byte[] Header() => [Version, Type, .. WireBytes.Uuid(DistributionId), .. WireBytes.UInt32(Iteration)];

    public byte[] Signed() => [.. Header(), .. Ciphertext];

    public byte[] Encode() => [.. Signed(), .. Signature];

    /// <exception cref="CryptographicException">Not a conversation message of this version.</exception>
    public static GroupMessage Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireBytes.Reader(bytes);
        if (reader.Byte() != Version || reader.Byte() != Type)
        {
            throw new CryptographicException("Unknown conversation message version or type.");
        }

        var distribution = reader.Uuid();
        var iteration = reader.UInt32();
        var ciphertext = reader.Take(reader.Remaining - SigningKeyPair.SignatureLength).ToArray();
        return new GroupMessage(distribution, iteration, ciphertext, reader.Take(SigningKeyPair.SignatureLength).ToArray());
    }
}
