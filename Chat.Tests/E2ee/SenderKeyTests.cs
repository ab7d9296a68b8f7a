using System.Text;
using Chat.Client.Crypto;

namespace Chat.Tests.E2ee;

/// <summary>Sender keys as a receiving member sees them: signed by the sender, bound to the message, each key used once.</summary>
public sealed class SenderKeyTests
{
    private static readonly Guid Conversation = Guid.NewGuid();
    private static readonly Guid SenderDevice = Guid.NewGuid();

    [Fact]
    public void Messages_decrypt_out_of_order_once_each_and_refuse_tampering_and_moves()
    {
        var sender = SenderKey.Create(Conversation, SenderDevice);
        var receiver = SenderKey.Received(sender.Distribution(), SenderDevice);
        var messages = Enumerable.Range(0, 5).Select(i => sender.Encrypt(Encoding.UTF8.GetBytes($"m{i}"), $"c{i}")).ToList();

        Assert.Equal("m3", Read(receiver, messages[3], "c3"));
        Assert.Equal("m0", Read(receiver, messages[0], "c0"));
        Assert.Equal(DecryptionFailure.Replayed, Refusal(receiver, messages[3], "c3"));
        Assert.Equal(DecryptionFailure.Tampered, Refusal(receiver, messages[1], "another client id"));
        var flipped = messages[1].ToArray();
        flipped[30] ^= 1;
        Assert.Equal(DecryptionFailure.Tampered, Refusal(receiver, flipped, "c1"));
        Assert.Equal("m1", Read(receiver, messages[1], "c1"));

        var movedToAnotherConversation = SenderKey.Received(sender.Distribution() with { ConversationId = Guid.NewGuid() }, SenderDevice);
        Assert.Equal(DecryptionFailure.Tampered, Refusal(movedToAnotherConversation, messages[4], "c4"));
        var claimedByAnotherDevice = SenderKey.Received(sender.Distribution(), Guid.NewGuid());
        Assert.Equal(DecryptionFailure.Tampered, Refusal(claimedByAnotherDevice, messages[4], "c4"));
    }

    [Fact]
    public void A_member_given_the_key_later_reads_from_then_on_and_nothing_before()
    {
        var sender = SenderKey.Create(Conversation, SenderDevice);
        var before = sender.Encrypt("before"u8, "b");
        var late = SenderKey.Received(sender.Distribution(), SenderDevice);
        var after = sender.Encrypt("after"u8, "a");

        Assert.Equal("after", Read(late, after, "a"));
        Assert.Equal(DecryptionFailure.Replayed, Refusal(late, before, "b"));
    }

    [Fact]
    public void A_signature_by_another_member_is_refused_even_with_the_right_chain_key()
    {
        var sender = SenderKey.Create(Conversation, SenderDevice);
        var receiver = SenderKey.Received(sender.Distribution(), SenderDevice);
        var forger = SenderKey.Create(Conversation, SenderDevice);
        var forged = new SenderKey
        {
            ConversationId = Conversation, DistributionId = sender.DistributionId, SenderDeviceId = SenderDevice, ChainKey = sender.ChainKey,
            Iteration = sender.Iteration, SigningPublicKey = forger.SigningPublicKey, Signing = forger.Signing,
        };
        Assert.Equal(DecryptionFailure.Tampered, Refusal(receiver, forged.Encrypt("forged"u8, "f"), "f"));
    }

    private static string Read(SenderKey key, byte[] message, string clientMessageId) =>
        Encoding.UTF8.GetString(key.Decrypt(GroupMessage.Parse(message), clientMessageId));

    private static DecryptionFailure Refusal(SenderKey key, byte[] message, string clientMessageId) =>
        Assert.Throws<DecryptionException>(() => key.Decrypt(GroupMessage.Parse(message), clientMessageId)).Failure;
}
