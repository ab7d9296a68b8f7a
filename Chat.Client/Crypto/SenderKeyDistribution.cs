using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>
/// A device's sender key for one conversation, sent inside a session message to one member device. Payload type 1
/// (signed messages, for conversations of many devices): conversation (16), distribution id (16), iteration (u32),
/// chain key (32), signing public key (65). Payload type 2 (device tags, for up to
/// <see cref="SenderKey.MaxTaggedDevices"/> devices): conversation (16), distribution id (16), iteration (u32), chain
/// key (32), this device's tag key (32), this device's tag index (u8).
/// </summary>
public sealed record SenderKeyDistribution(Guid ConversationId, Guid DistributionId, uint Iteration, byte[] ChainKey, byte[]? SigningKey,
    byte[]? TagKey = null, byte TagIndex = 0)
{
    public const byte SignedPayloadType = 1;
    public const byte TaggedPayloadType = 2;

    public byte[] Encode() => SigningKey is { } signing
        ? [SignedPayloadType, .. Common(), .. signing]
        : [TaggedPayloadType, .. Common(), .. TagKey!, TagIndex];

    /// <exception cref="CryptographicException">Not a sender key distribution.</exception>
    public static SenderKeyDistribution Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new WireBytes.Reader(payload);
        var type = reader.Byte();
        if (type is not (SignedPayloadType or TaggedPayloadType))
        {
            throw new CryptographicException("Unknown payload type.");
        }

        var (conversation, distribution, iteration, chainKey) = (reader.Uuid(), reader.Uuid(), reader.UInt32(), reader.Take(32).ToArray());
        var parsed = type == SignedPayloadType
            ? new SenderKeyDistribution(conversation, distribution, iteration, chainKey, reader.Take(P256.PublicKeyLength).ToArray())
            : new SenderKeyDistribution(conversation, distribution, iteration, chainKey, null, reader.Take(32).ToArray(), reader.Byte());
        return reader.Remaining == 0 ? parsed : throw new CryptographicException("Trailing bytes after a sender key distribution.");
    }

    private byte[] Common() => [.. WireBytes.Uuid(ConversationId), .. WireBytes.Uuid(DistributionId), .. WireBytes.UInt32(Iteration), .. ChainKey];
}
