using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>
/// One device's Double Ratchet session with one other device (Signal's specification, over P-256, with AES-256-GCM):
/// every message has its own key, and each round trip replaces the ratchet's Diffie-Hellman keys, so a leaked state
/// neither opens earlier messages nor, after the next round trip, later ones. The initiator repeats the X3DH header
/// on each message until the first answer arrives. Decryption works on a copy and keeps it only on success, so a
/// tampered or replayed message changes nothing. Serialisable as it is (System.Text.Json).
/// </summary>
public sealed class PairwiseSession
{
    /// <summary>How many message keys one header may make a receiver skip (messages still on their way).</summary>
    public const int MaxSkip = 1000;

    /// <summary>How many skipped message keys are kept at most, the oldest dropped first.</summary>
    public const int MaxKeptSkipped = 2000;

    private const int MaxPastRatchetKeys = 50;

    private const string MessageInfo = "Chat Session Message v1";

    public required byte[] AssociatedData { get; set; }
    public required byte[] RemoteIdentityKey { get; set; }
    public required byte[] RootKey { get; set; }
    public required AgreementKeyPair SendingRatchet { get; set; }
    public byte[]? ReceivingRatchetKey { get; set; }
    public byte[]? SendingChainKey { get; set; }
    public byte[]? ReceivingChainKey { get; set; }
    public uint SendCount { get; set; }
    public uint ReceiveCount { get; set; }
    public uint PreviousSendCount { get; set; }
    public List<SkippedMessageKey> Skipped { get; set; } = [];

    /// <summary>The other side's earlier ratchet keys (the latest few): a message of one of their chains that is not among the skipped keys was received already.</summary>
    public List<byte[]> PastReceivingRatchetKeys { get; set; } = [];

    /// <summary>The X3DH header the initiator repeats until the responder's first answer; null after, and for a responder.</summary>
    public X3dhHeader? PendingOpening { get; set; }

    /// <summary>The initiator's ephemeral key: a repeated opening message finds its session by it.</summary>
    public byte[]? OpeningEphemeralKey { get; set; }

    /// <param name="ratchet">The first sending ratchet key (random unless a test vector fixes it).</param>
    public static PairwiseSession Initiate(AgreementKeyPair identity, AgreementKeyPair ephemeral, PrekeyBundle bundle, AgreementKeyPair? ratchet = null)
    {
        var secret = X3dh.Initiate(identity, ephemeral, bundle);
        ratchet ??= AgreementKeyPair.Generate();
        var (rootKey, chainKey) = Kdf.Root(secret, ratchet.Agree(bundle.SignedPrekey));
        return new PairwiseSession
        {
            AssociatedData = [.. identity.PublicKey, .. bundle.IdentityKey],
            RemoteIdentityKey = bundle.IdentityKey,
            RootKey = rootKey,
            SendingRatchet = ratchet,
            ReceivingRatchetKey = bundle.SignedPrekey,
            SendingChainKey = chainKey,
            PendingOpening = new X3dhHeader(identity.PublicKey, ephemeral.PublicKey, bundle.SignedPrekeyId, bundle.OneTimePrekeyId),
            OpeningEphemeralKey = ephemeral.PublicKey,
        };
    }

    /// <summary>The responder's side of an opening message; its first ratchet key pair is the signed prekey.</summary>
    public static PairwiseSession Respond(AgreementKeyPair identity, AgreementKeyPair signedPrekey, AgreementKeyPair? oneTimePrekey, X3dhHeader opening) =>
        new()
        {
            AssociatedData = [.. opening.IdentityKey, .. identity.PublicKey],
            RemoteIdentityKey = opening.IdentityKey,
            RootKey = X3dh.Respond(identity, signedPrekey, oneTimePrekey, opening.IdentityKey, opening.EphemeralKey),
            SendingRatchet = signedPrekey,
            OpeningEphemeralKey = opening.EphemeralKey,
        };

    /// <param name="boundTo">What the message is bound to beyond the session (docs/e2ee.md: sender and recipient devices, client id).</param>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> boundTo)
    {
        var chainKey = SendingChainKey ?? throw new InvalidOperationException("A responder sends only after the first message arrived.");
        var (messageKey, next) = Kdf.Chain(chainKey);
        var message = new SessionMessage(PendingOpening, SendingRatchet.PublicKey, PreviousSendCount, SendCount, []);
        var ciphertext = Aead.Seal(Kdf.Message(messageKey, MessageInfo), plaintext, [.. AssociatedData, .. boundTo, .. message.Header()]);
        SendingChainKey = next;
        SendCount++;
        return (message with { Ciphertext = ciphertext }).Encode();
    }

    /// <param name="newRatchet">The next sending ratchet key, should this message turn the ratchet (random unless a test vector fixes it).</param>
    /// <exception cref="DecryptionException">Tampered, replayed or malformed; the session is unchanged.</exception>
    public byte[] Decrypt(SessionMessage message, ReadOnlySpan<byte> boundTo, Func<AgreementKeyPair>? newRatchet = null)
    {
        var work = Copy();
        var plaintext = work.DecryptInPlace(message, boundTo, newRatchet ?? AgreementKeyPair.Generate);
        CopyFrom(work);
        return plaintext;
    }

    private byte[] DecryptInPlace(SessionMessage message, ReadOnlySpan<byte> boundTo, Func<AgreementKeyPair> newRatchet)
    {
        byte[] messageKey;
        var skippedIndex = Skipped.FindIndex(s => s.Counter == message.Counter && s.RatchetKey.AsSpan().SequenceEqual(message.RatchetKey));
        if (skippedIndex >= 0)
        {
            messageKey = Skipped[skippedIndex].MessageKey;
            Skipped.RemoveAt(skippedIndex);
        }
        else
        {
            if (ReceivingRatchetKey is null || !message.RatchetKey.AsSpan().SequenceEqual(ReceivingRatchetKey))
            {
                if (PastReceivingRatchetKeys.Exists(k => k.AsSpan().SequenceEqual(message.RatchetKey)))
                {
                    throw new DecryptionException(DecryptionFailure.Replayed, "A message of a chain this session has moved past, whose key was used.");
                }

                SkipTo(message.PreviousChainLength);
                TurnRatchet(message.RatchetKey, newRatchet);
            }

            if (ReceivingChainKey is null)
            {
                // An initiator's session names the responder's signed prekey as the other side's ratchet key
                // before any message came back: no chain belongs to it.
                throw new DecryptionException(DecryptionFailure.Malformed, "No receiving chain for this ratchet key.");
            }

            if (message.Counter < ReceiveCount)
            {
                throw new DecryptionException(DecryptionFailure.Replayed, "This message's key was used already.");
            }

            SkipTo(message.Counter);
            (messageKey, ReceivingChainKey) = Kdf.Chain(ReceivingChainKey!);
            ReceiveCount++;
        }

        try
        {
            var plaintext = Aead.Open(Kdf.Message(messageKey, MessageInfo), message.Ciphertext, [.. AssociatedData, .. boundTo, .. message.Header()]);
            PendingOpening = null;
            return plaintext;
        }
        catch (CryptographicException e)
        {
            throw new DecryptionException(DecryptionFailure.Tampered, e.Message);
        }
    }

    private void SkipTo(uint counter)
    {
        if (ReceivingChainKey is null)
        {
            return;
        }

        if (counter > ReceiveCount + MaxSkip)
        {
            throw new DecryptionException(DecryptionFailure.Malformed, "Too many messages skipped.");
        }

        while (ReceiveCount < counter)
        {
            var (messageKey, next) = Kdf.Chain(ReceivingChainKey);
            Skipped.Add(new SkippedMessageKey(ReceivingRatchetKey!, ReceiveCount, messageKey));
            ReceivingChainKey = next;
            ReceiveCount++;
        }

        if (Skipped.Count > MaxKeptSkipped)
        {
            Skipped.RemoveRange(0, Skipped.Count - MaxKeptSkipped);
        }
    }

    private void TurnRatchet(byte[] remoteRatchetKey, Func<AgreementKeyPair> newRatchet)
    {
        PreviousSendCount = SendCount;
        SendCount = 0;
        ReceiveCount = 0;
        if (ReceivingRatchetKey is not null)
        {
            PastReceivingRatchetKeys.Add(ReceivingRatchetKey);
            if (PastReceivingRatchetKeys.Count > MaxPastRatchetKeys)
            {
                PastReceivingRatchetKeys.RemoveAt(0);
            }
        }

        ReceivingRatchetKey = remoteRatchetKey;
        try
        {
            (RootKey, ReceivingChainKey) = Kdf.Root(RootKey, SendingRatchet.Agree(remoteRatchetKey));
        }
        catch (CryptographicException e)
        {
            throw new DecryptionException(DecryptionFailure.Malformed, e.Message);
        }

        SendingRatchet = newRatchet();
        (RootKey, SendingChainKey) = Kdf.Root(RootKey, SendingRatchet.Agree(remoteRatchetKey));
    }

    private PairwiseSession Copy() => new()
    {
        AssociatedData = AssociatedData,
        RemoteIdentityKey = RemoteIdentityKey,
        RootKey = RootKey,
        SendingRatchet = SendingRatchet,
        ReceivingRatchetKey = ReceivingRatchetKey,
        SendingChainKey = SendingChainKey,
        ReceivingChainKey = ReceivingChainKey,
        SendCount = SendCount,
        ReceiveCount = ReceiveCount,
        PreviousSendCount = PreviousSendCount,
        Skipped = [.. Skipped],
        PastReceivingRatchetKeys = [.. PastReceivingRatchetKeys],
        PendingOpening = PendingOpening,
        OpeningEphemeralKey = OpeningEphemeralKey,
    };

    private void CopyFrom(PairwiseSession other)
    {
        RootKey = other.RootKey;
        SendingRatchet = other.SendingRatchet;
        ReceivingRatchetKey = other.ReceivingRatchetKey;
        SendingChainKey = other.SendingChainKey;
        ReceivingChainKey = other.ReceivingChainKey;
        SendCount = other.SendCount;
        ReceiveCount = other.ReceiveCount;
        PreviousSendCount = other.PreviousSendCount;
        Skipped = other.Skipped;
        PastReceivingRatchetKeys = other.PastReceivingRatchetKeys;
        PendingOpening = other.PendingOpening;
    }
}

public sealed record SkippedMessageKey(byte[] RatchetKey, uint Counter, byte[] MessageKey);
