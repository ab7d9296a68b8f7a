using System.Text;
using Chat.Client.Crypto;

namespace Chat.Tests.E2ee;

/// <summary>Sender keys as a receiving member sees them: authenticated by the sender, bound to the message, each key used once.</summary>
public sealed class SenderKeyTests
{
    private static readonly Guid Conversation = Guid.NewGuid();
    private static readonly Guid SenderDevice = Guid.NewGuid();

    /// <summary>A key for this many recipient devices: tagged up to 32, signed beyond; the receiver is the first device.</summary>
    private static (SenderKey Sender, SenderKey Receiver, List<Guid> Devices) Make(int devices)
    {
        var sender = SenderKey.Create(Conversation, SenderDevice);
        var recipients = Enumerable.Range(0, devices).Select(_ => Guid.NewGuid()).ToList();
        sender.Address(recipients);
        return (sender, SenderKey.Received(sender.Distribution(recipients[0]), SenderDevice), recipients);
    }

    [Theory]
    [InlineData(2, GroupMessage.TaggedType)]
    [InlineData(SenderKey.MaxTaggedDevices + 1, GroupMessage.SignedType)]
    public void Messages_decrypt_out_of_order_once_each_and_refuse_tampering_and_moves(int devices, byte type)
    {
        var (sender, receiver, recipients) = Make(devices);
        var messages = Enumerable.Range(0, 5).Select(i => sender.Encrypt(Encoding.UTF8.GetBytes($"m{i}"), $"c{i}")).ToList();
        Assert.All(messages, m => Assert.Equal(type, m[1]));

        Assert.Equal("m3", Read(receiver, messages[3], "c3"));
        Assert.Equal("m0", Read(receiver, messages[0], "c0"));
        Assert.Equal(DecryptionFailure.Replayed, Refusal(receiver, messages[3], "c3"));
        Assert.Equal(DecryptionFailure.Tampered, Refusal(receiver, messages[1], "another client id"));
        var flipped = messages[1].ToArray();
        flipped[^5] ^= 1;
        Assert.Equal(DecryptionFailure.Tampered, Refusal(receiver, flipped, "c1"));
        Assert.Equal("m1", Read(receiver, messages[1], "c1"));

        var movedToAnotherConversation = SenderKey.Received(sender.Distribution(recipients[0]) with { ConversationId = Guid.NewGuid() }, SenderDevice);
        Assert.Equal(DecryptionFailure.Tampered, Refusal(movedToAnotherConversation, messages[4], "c4"));
        var claimedByAnotherDevice = SenderKey.Received(sender.Distribution(recipients[0]), Guid.NewGuid());
        Assert.Equal(DecryptionFailure.Tampered, Refusal(claimedByAnotherDevice, messages[4], "c4"));
    }

    [Fact]
    public void A_member_given_the_key_later_reads_from_then_on_and_nothing_before()
    {
        var (sender, _, recipients) = Make(2);
        var before = sender.Encrypt("before"u8, "b");
        var late = SenderKey.Received(sender.Distribution(recipients[1]), SenderDevice);
        var after = sender.Encrypt("after"u8, "a");

        Assert.Equal("after", Read(late, after, "a"));
        Assert.Equal(DecryptionFailure.Replayed, Refusal(late, before, "b"));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(SenderKey.MaxTaggedDevices + 1)]
    public void Another_holder_of_the_chain_key_cannot_pass_a_message_off_as_the_senders(int devices)
    {
        var (sender, receiver, recipients) = Make(devices);

        // The second recipient knows the chain key and its own tag key (or the signing public key), and makes a key
        // of its own around them: its messages must not pass at the first recipient.
        var known = sender.Distribution(recipients[1]);
        var forged = new SenderKey
        {
            ConversationId = Conversation, DistributionId = known.DistributionId, SenderDeviceId = SenderDevice, ChainKey = known.ChainKey,
            Iteration = known.Iteration,
        };
        forged.Address(known.TagKey is null ? recipients : [recipients[0], recipients[1]]);
        if (known.TagKey is { } own)
        {
            forged.TagKeys = [new DeviceTagKey(recipients[0], own), new DeviceTagKey(recipients[1], own)];
        }

        Assert.Equal(DecryptionFailure.Tampered, Refusal(receiver, forged.Encrypt("forged"u8, "f"), "f"));
        Assert.Equal("real", Read(receiver, sender.Encrypt("real"u8, "r"), "r"));
    }

    private static string Read(SenderKey key, byte[] message, string clientMessageId) =>
        Encoding.UTF8.GetString(key.Decrypt(GroupMessage.Parse(message), clientMessageId));

    private static DecryptionFailure Refusal(SenderKey key, byte[] message, string clientMessageId) =>
        Assert.Throws<DecryptionException>(() => key.Decrypt(GroupMessage.Parse(message), clientMessageId)).Failure;
}
