using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>
/// A conversation message encrypted with its sender's sender key, docs/e2ee.md "Conversation messages": version 1,
/// type, distribution id (16), iteration (u32), then by type: 3 (signed), the AES-256-GCM ciphertext and tag, then an
/// ECDSA P-256 signature (64) by the sender key's signing key; 4 (device tags), a count (u8) and that many 16-byte
/// tags, one per recipient device, then the ciphertext and tag. A signature or a device's tag covers binding ||
/// header || ciphertext.
/// </summary>
public sealed record GroupMessage(byte Type, Guid DistributionId, uint Iteration, byte[] Ciphertext, byte[] Signature, IReadOnlyList<byte[]> Tags)
{
    public const byte Version = 1;
    public const byte SignedType = 3;
    public const byte TaggedType = 4;
    public const int HeaderLength = 22;
    public const int TagLength = 16;

    public byte[] Header() => [Version, Type, .. WireBytes.Uuid(DistributionId), .. WireBytes.UInt32(Iteration)];

    public byte[] Encode() => Type == SignedType
        ? [.. Header(), .. Ciphertext, .. Signature]
        : [.. Header(), (byte)Tags.Count, .. Tags.SelectMany(t => t), .. Ciphertext];

    /// <exception cref="CryptographicException">Not a conversation message of this version.</exception>
    public static GroupMessage Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireBytes.Reader(bytes);
        var version = reader.Byte();
        var type = reader.Byte();
        if (version != Version || type is not (SignedType or TaggedType))
        {
            throw new CryptographicException("Unknown conversation message version or type.");
        }

        var distribution = reader.Uuid();
        var iteration = reader.UInt32();
        if (type == SignedType)
        {
            var ciphertext = reader.Take(reader.Remaining - SigningKeyPair.SignatureLength).ToArray();
            return new GroupMessage(type, distribution, iteration, ciphertext, reader.Take(SigningKeyPair.SignatureLength).ToArray(), []);
        }

        var count = reader.Byte();
        var tags = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            tags.Add(reader.Take(TagLength).ToArray());
        }

        return new GroupMessage(type, distribution, iteration, reader.Take(reader.Remaining).ToArray(), [], tags);
    }
}
