using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>
/// A device's sender key for one conversation, sent inside a session message to each member device: payload
/// type 1, conversation (16), distribution id (16), iteration (u32), chain key (32), signing public key (65).
/// </summary>
public sealed record SenderKeyDistribution(Guid ConversationId, Guid DistributionId, uint Iteration, byte[] ChainKey, byte[] SigningKey)
{
    public const byte PayloadType = 1;

    public byte[] Encode() => [PayloadType, .. WireBytes.Uuid(ConversationId), .. WireBytes.Uuid(DistributionId), .. WireBytes.UInt32(Iteration), .. ChainKey, .. SigningKey];

    /// <exception cref="CryptographicException">Not a sender key distribution.</exception>
    public static SenderKeyDistribution Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new WireBytes.Reader(payload);
        if (reader.Byte() != PayloadType)
        {
            throw new CryptographicException("Unknown payload type.");
        }

        var distribution = new SenderKeyDistribution(reader.Uuid(), reader.Uuid(), reader.UInt32(), reader.Take(32).ToArray(), reader.Take(P256.PublicKeyLength).ToArray());
        return reader.Remaining == 0 ? distribution : throw new CryptographicException("Trailing bytes after a sender key distribution.");
    }
}
