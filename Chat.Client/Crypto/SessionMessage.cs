using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>
/// A pairwise (Double Ratchet) message on the wire, docs/e2ee.md "Session messages": version 1, type 1 (opens a
/// session: it carries the X3DH header) or 2, the ratchet header, then the AES-256-GCM ciphertext and tag.
/// </summary>
public sealed record SessionMessage(X3dhHeader? Opening, byte[] RatchetKey, uint PreviousChainLength, uint Counter, byte[] Ciphertext)
{
    public const byte Version = 1;
    public const byte OpeningType = 1;
    public const byte RatchetType = 2;
    public const uint NoOneTimePrekey = uint.MaxValue;

    /// <summary>Every byte before the ciphertext: authenticated as associated data.</summary>
    public byte[] Header() => [
        Version,
        Opening is null ? RatchetType : OpeningType,
        .. Opening is { } x ? [.. x.IdentityKey, .. x.EphemeralKey, .. WireBytes.UInt32(x.SignedPrekeyId), .. WireBytes.UInt32(x.OneTimePrekeyId ?? NoOneTimePrekey)] : (byte[])[],
        .. RatchetKey,
        .. WireBytes.UInt32(PreviousChainLength),
        .. WireBytes.UInt32(Counter),
    ];

    public byte[] Encode() => [.. Header(), .. Ciphertext];

    /// <exception cref="CryptographicException">Not a session message of this version.</exception>
    public static SessionMessage Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireBytes.Reader(bytes);
        if (reader.Byte() != Version)
        {
            throw new CryptographicException("Unknown session message version.");
        }

        X3dhHeader? opening = reader.Byte() switch
        {
            OpeningType => ReadOpening(ref reader),
            RatchetType => null,
            _ => throw new CryptographicException("Unknown session message type."),
        };
        var ratchetKey = reader.Take(P256.PublicKeyLength).ToArray();
        var previous = reader.UInt32();
        var counter = reader.UInt32();
        return new SessionMessage(opening, ratchetKey, previous, counter, reader.Take(reader.Remaining).ToArray());
    }

    private static X3dhHeader ReadOpening(ref WireBytes.Reader reader)
    {
        var identity = reader.Take(P256.PublicKeyLength).ToArray();
        var ephemeral = reader.Take(P256.PublicKeyLength).ToArray();
        var signedPrekeyId = reader.UInt32();
        var oneTime = reader.UInt32();
        return new X3dhHeader(identity, ephemeral, signedPrekeyId, oneTime == NoOneTimePrekey ? null : oneTime);
    }
}

/// <summary>What an opening message tells the responder: the initiator's identity and ephemeral keys, and which of its prekeys were used.</summary>
public sealed record X3dhHeader(byte[] IdentityKey, byte[] EphemeralKey, uint SignedPrekeyId, uint? OneTimePrekeyId);
