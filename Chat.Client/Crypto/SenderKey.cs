using System.Security.Cryptography;

namespace Chat.Client.Crypto;

/// <summary>
/// A sender key (as Signal's and Megolm's): a hash ratchet whose every step gives one message key, so a member who
/// gets the key at iteration i can open messages from i on and nothing before. Other holders of the chain key must
/// not be able to pass off a message as the sender's, so each message is authenticated apart from its encryption:
/// for up to <see cref="MaxTaggedDevices"/> recipient devices by a tag per device (HMAC-SHA256 under a key only that
/// device and the sender hold: cheap, and the usual case of direct conversations), and for more by an ECDSA P-256
/// signature (a tag each would make large groups' messages too big). Serialisable as it is.
/// </summary>
public sealed class SenderKey
{
    /// <summary>How far ahead of the last message one message may be (messages lost or still on their way).</summary>
    public const int MaxSkip = 2000;

    /// <summary>Up to this many recipient devices get a tag each; more, and messages are signed.</summary>
    public const int MaxTaggedDevices = 32;

    private static readonly byte[] MessageInfoBytes = "Chat Group Message v1"u8.ToArray();

    public required Guid ConversationId { get; init; }
    public required Guid DistributionId { get; init; }
    public required Guid SenderDeviceId { get; init; }
    public required byte[] ChainKey { get; set; }
    public required uint Iteration { get; set; }

    /// <summary>On the sending device of a signed key.</summary>
    public SigningKeyPair? Signing { get; set; }

    /// <summary>On the sending device of a tagged key: each recipient device's tag key, in tag order.</summary>
    public List<DeviceTagKey>? TagKeys { get; set; }

    /// <summary>On a receiving device of a signed key.</summary>
    public byte[]? SigningPublicKey { get; init; }

    /// <summary>On a receiving device of a tagged key: its own tag key and place among the tags.</summary>
    public byte[]? TagKey { get; init; }

    public byte TagIndex { get; init; }

    /// <summary>Message keys of iterations passed over on the way to a later one, by iteration.</summary>
    public Dictionary<uint, byte[]> Skipped { get; set; } = [];

    private SignatureVerifier? _verifier;

    /// <summary>A new key; <see cref="Address"/> it to its recipient devices before its first distribution.</summary>
    public static SenderKey Create(Guid conversationId, Guid senderDeviceId) => new()
    {
        ConversationId = conversationId,
        DistributionId = Guid.CreateVersion7(),
        SenderDeviceId = senderDeviceId,
        ChainKey = RandomNumberGenerator.GetBytes(32),
        Iteration = 0,
    };

    /// <summary>A receiver's copy, from a distribution that arrived over a session with <paramref name="senderDeviceId"/>.</summary>
    public static SenderKey Received(SenderKeyDistribution distribution, Guid senderDeviceId) => new()
    {
        ConversationId = distribution.ConversationId,
        DistributionId = distribution.DistributionId,
        SenderDeviceId = senderDeviceId,
        ChainKey = distribution.ChainKey,
        Iteration = distribution.Iteration,
        SigningPublicKey = distribution.SigningKey,
        TagKey = distribution.TagKey,
        TagIndex = distribution.TagIndex,
    };

    /// <summary>Fixes who the key is for (again, when a send found the device list stale): fresh tag keys, or a signing key.</summary>
    public void Address(IReadOnlyList<Guid> devices)
    {
        if (devices.Count <= MaxTaggedDevices)
        {
            (TagKeys, Signing) = ([.. devices.Select(d => new DeviceTagKey(d, RandomNumberGenerator.GetBytes(32)))], null);
        }
        else
        {
            // Kept if it has one: part of a large key may have gone out already with this signing key.
            (TagKeys, Signing) = (null, Signing ?? SigningKeyPair.Generate());
        }
    }

    /// <summary>What recipient device <paramref name="deviceId"/> gets: the chain key, and its tag key or the signing public key.</summary>
    public SenderKeyDistribution Distribution(Guid deviceId)
    {
        if (Signing is { } signing)
        {
            return new SenderKeyDistribution(ConversationId, DistributionId, Iteration, ChainKey, signing.PublicKey);
        }

        var tags = TagKeys ?? throw new InvalidOperationException("Address the key before distributing it.");
        var index = tags.FindIndex(t => t.DeviceId == deviceId);
        return index < 0
            ? throw new InvalidOperationException($"Device {deviceId} is not among the key's recipients.")
            : new SenderKeyDistribution(ConversationId, DistributionId, Iteration, ChainKey, null, tags[index].Key, (byte)index);
    }

    /// <remarks>Written straight into the message's bytes: this runs for every message a device sends.</remarks>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, string clientMessageId)
    {
        if (Signing is null && TagKeys is null)
        {
            throw new InvalidOperationException("Only the sending device encrypts with its sender key, once addressed.");
        }

        var tagCount = TagKeys?.Count ?? 0;
        var bodyStart = GroupMessage.HeaderLength + (Signing is null ? 1 + tagCount * GroupMessage.TagLength : 0);
        var ciphertextLength = plaintext.Length + Aead.TagLength;
        var output = new byte[bodyStart + ciphertextLength + (Signing is null ? 0 : SigningKeyPair.SignatureLength)];
        new GroupMessage(Signing is null ? GroupMessage.TaggedType : GroupMessage.SignedType, DistributionId, Iteration, [], [], []).Header().CopyTo(output, 0);

        // binding || header || ciphertext: the first two are the GCM associated data, all three what tags and signatures cover.
        var binding = MessageBinding.Conversation(ConversationId, SenderDeviceId, clientMessageId);
        var authenticated = new byte[binding.Length + GroupMessage.HeaderLength + ciphertextLength];
        binding.CopyTo(authenticated, 0);
        output.AsSpan(0, GroupMessage.HeaderLength).CopyTo(authenticated.AsSpan(binding.Length));
        var associatedData = authenticated.AsSpan(0, binding.Length + GroupMessage.HeaderLength);

        Span<byte> messageKey = stackalloc byte[32];
        var next = Kdf.Chain(ChainKey, messageKey);
        Span<byte> keys = stackalloc byte[44];
        Kdf.Message(messageKey, [.. MessageInfoBytes, .. WireBytes.Uuid(DistributionId)], keys);
        var ciphertext = output.AsSpan(bodyStart, ciphertextLength);
        using (var aes = new AesGcm(keys[..32], Aead.TagLength))
        {
            aes.Encrypt(keys[32..], plaintext, ciphertext[..^Aead.TagLength], ciphertext[^Aead.TagLength..], associatedData);
        }

        ciphertext.CopyTo(authenticated.AsSpan(associatedData.Length));
        if (Signing is { } signing)
        {
            signing.Sign(authenticated).CopyTo(output, bodyStart + ciphertextLength);
        }
        else
        {
            output[GroupMessage.HeaderLength] = (byte)tagCount;
            Span<byte> tag = stackalloc byte[32];
            for (var i = 0; i < tagCount; i++)
            {
                HMACSHA256.HashData(TagKeys![i].Key, authenticated, tag);
                tag[..GroupMessage.TagLength].CopyTo(output.AsSpan(GroupMessage.HeaderLength + 1 + i * GroupMessage.TagLength));
            }
        }

        ChainKey = next;
        Iteration++;
        return output;
    }

    /// <exception cref="DecryptionException">Tampered or replayed; the key is unchanged.</exception>
    public byte[] Decrypt(GroupMessage message, string clientMessageId)
    {
        var binding = MessageBinding.Conversation(ConversationId, SenderDeviceId, clientMessageId);
        var authenticated = new byte[binding.Length + GroupMessage.HeaderLength + message.Ciphertext.Length];
        binding.CopyTo(authenticated, 0);
        message.Header().CopyTo(authenticated, binding.Length);
        message.Ciphertext.CopyTo(authenticated, binding.Length + GroupMessage.HeaderLength);
        if (message.Ciphertext.Length < Aead.TagLength || !Authentic(message, authenticated))
        {
            throw new DecryptionException(DecryptionFailure.Tampered, "Its signature or tag does not verify for this sender, conversation and client id.");
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

        var plaintext = new byte[message.Ciphertext.Length - Aead.TagLength];
        try
        {
            Span<byte> keys = stackalloc byte[44];
            Kdf.Message(messageKey, [.. MessageInfoBytes, .. WireBytes.Uuid(DistributionId)], keys);
            using var aes = new AesGcm(keys[..32], Aead.TagLength);
            var ciphertext = message.Ciphertext.AsSpan();
            aes.Decrypt(keys[32..], ciphertext[..^Aead.TagLength], ciphertext[^Aead.TagLength..], plaintext,
                authenticated.AsSpan(0, binding.Length + GroupMessage.HeaderLength));
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

    private bool Authentic(GroupMessage message, byte[] authenticated)
    {
        if (message.Type == GroupMessage.TaggedType)
        {
            Span<byte> tag = stackalloc byte[32];
            if (TagKey is not { } tagKey || TagIndex >= message.Tags.Count)
            {
                return false;
            }

            HMACSHA256.HashData(tagKey, authenticated, tag);
            return CryptographicOperations.FixedTimeEquals(tag[..GroupMessage.TagLength], message.Tags[TagIndex]);
        }

        _verifier ??= SigningPublicKey is { } publicKey ? SignatureVerifier.TryCreate(publicKey) : null;
        return _verifier?.Verifies(authenticated, message.Signature) == true;
    }

}

/// <summary>One recipient device's tag key of a sender key.</summary>
public sealed record DeviceTagKey(Guid DeviceId, byte[] Key);
