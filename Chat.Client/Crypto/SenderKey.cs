using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>
/// A sender key (as Signal's and Megolm's): a hash ratchet whose every step gives one message key, so a member who
/// gets the key at iteration i can open messages from i on and nothing before. The sending device holds the signing
/// private key; receivers hold the public one. Serialisable as it is.
/// </summary>
public sealed class SenderKey
{
    /// <summary>How far ahead of the last message one message may be (messages lost or still on their way).</summary>
    public const int MaxSkip = 2000;

    private const string MessageInfo = "Chat Group Message v1";

    public required Guid ConversationId { get; init; }
    public required Guid DistributionId { get; init; }
    public required Guid SenderDeviceId { get; init; }
    public required byte[] ChainKey { get; set; }
    public required uint Iteration { get; set; }
    public required byte[] SigningPublicKey { get; init; }

    /// <summary>Only on the sending device.</summary>
    public SigningKeyPair? Signing { get; init; }

    private SignatureVerifier? _verifier;

    /// <summary>Message keys of iterations passed over on the way to a later one, by iteration.</summary>
    public Dictionary<uint, byte[]> Skipped { get; set; } = [];

    public static SenderKey Create(Guid conversationId, Guid senderDeviceId)
    {
        var signing = SigningKeyPair.Generate();
        return new SenderKey
        {
            ConversationId = conversationId,
            DistributionId = Guid.CreateVersion7(),
            SenderDeviceId = senderDeviceId,
            ChainKey = RandomNumberGenerator.GetBytes(32),
            Iteration = 0,
            SigningPublicKey = signing.PublicKey,
            Signing = signing,
        };
    }

    /// <summary>A receiver's copy, from a distribution that arrived over a session with <paramref name="senderDeviceId"/>.</summary>
    public static SenderKey Received(SenderKeyDistribution distribution, Guid senderDeviceId) => new()
    {
        ConversationId = distribution.ConversationId,
        DistributionId = distribution.DistributionId,
        SenderDeviceId = senderDeviceId,
        ChainKey = distribution.ChainKey,
        Iteration = distribution.Iteration,
        SigningPublicKey = distribution.SigningKey,
    };

    public SenderKeyDistribution Distribution() => new(ConversationId, DistributionId, Iteration, ChainKey, SigningPublicKey);

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, string clientMessageId)
    {
        var signing = Signing ?? throw new InvalidOperationException("Only the sending device encrypts with its sender key.");
        var binding = MessageBinding.Conversation(ConversationId, SenderDeviceId, clientMessageId);
        var (messageKey, next) = Kdf.Chain(ChainKey);
        var message = new GroupMessage(DistributionId, Iteration, [], []);
        var ciphertext = Aead.Seal(Kdf.Message(messageKey, MessageInfo), plaintext, [.. binding, .. message.Header()]);
        message = message with { Ciphertext = ciphertext };
        ChainKey = next;
        Iteration++;
        return (message with { Signature = signing.Sign([.. binding, .. message.Signed()]) }).Encode();
    }

    /// <exception cref="DecryptionException">Tampered or replayed; the key is unchanged.</exception>
    public byte[] Decrypt(GroupMessage message, string clientMessageId)
    {
        var binding = MessageBinding.Conversation(ConversationId, SenderDeviceId, clientMessageId);
        _verifier ??= SignatureVerifier.TryCreate(SigningPublicKey);
        if (_verifier?.Verifies([.. binding, .. message.Signed()], message.Signature) != true)
        {
            throw new DecryptionException(DecryptionFailure.Tampered, "The signature does not verify for this sender, conversation and client id.");
        }

        byte[] messageKey;
        var chainKey = ChainKey;
        var iteration = Iteration;
        var skipped = new Dictionary<uint, byte[]>();
        if (message.Iteration < Iteration)
        {
            if (!Skipped.TryGetValue(message.Iteration, out messageKey!))
            {
                throw new DecryptionException(DecryptionFailure.Replayed, "This message's key was used already.");
            }
        }
        else
        {
            if (message.Iteration - Iteration > MaxSkip)
            {
                throw new DecryptionException(DecryptionFailure.Malformed, "Too many messages skipped.");
            }

            while (iteration < message.Iteration)
            {
                (skipped[iteration], chainKey) = Kdf.Chain(chainKey);
                iteration++;
            }

            (messageKey, chainKey) = Kdf.Chain(chainKey);
            iteration++;
        }

        byte[] plaintext;
        try
        {
            plaintext = Aead.Open(Kdf.Message(messageKey, MessageInfo), message.Ciphertext, [.. binding, .. message.Header()]);
        }
        catch (CryptographicException e)
        {
            throw new DecryptionException(DecryptionFailure.Tampered, e.Message);
        }

        if (message.Iteration < Iteration)
        {
            Skipped.Remove(message.Iteration);
        }
        else
        {
            foreach (var (at, key) in skipped)
            {
                Skipped[at] = key;
            }

            ChainKey = chainKey;
            Iteration = iteration;
            foreach (var old in Skipped.Keys.Where(k => k + MaxSkip < Iteration).ToList())
            {
                Skipped.Remove(old);
            }
        }

        return plaintext;
    }
}
