using System.Text;
using Chat.Client.Crypto;

namespace Chat.Tests.E2ee;

/// <summary>The Double Ratchet as a receiving client sees it: any order, each message once, nothing altered.</summary>
public sealed class PairwiseSessionTests
{
    private static readonly Guid AliceDevice = Guid.NewGuid();
    private static readonly Guid BobDevice = Guid.NewGuid();

    [Fact]
    public void Messages_both_ways_decrypt_in_any_order_and_each_round_trip_turns_the_ratchet()
    {
        var (alice, bob) = Open();
        var ratchetKeys = new HashSet<string>();
        for (var round = 0; round < 5; round++)
        {
            var fromAlice = Enumerable.Range(0, 4).Select(i => alice.Encrypt(Text($"a{round}.{i}"), Binding(AliceDevice, BobDevice))).ToList();
            foreach (var i in new[] { 2, 0, 3, 1 })
            {
                Assert.Equal($"a{round}.{i}", Read(bob, fromAlice[i], Binding(AliceDevice, BobDevice)));
            }

            var answer = bob.Encrypt(Text($"b{round}"), Binding(BobDevice, AliceDevice));
            ratchetKeys.Add(Convert.ToHexString(SessionMessage.Parse(answer).RatchetKey));
            Assert.Equal($"b{round}", Read(alice, answer, Binding(BobDevice, AliceDevice)));
        }

        Assert.Equal(5, ratchetKeys.Count);
        Assert.Null(alice.PendingOpening);
    }

    [Fact]
    public void A_replayed_or_tampered_message_is_refused_and_changes_nothing()
    {
        var (alice, bob) = Open();
        var first = alice.Encrypt(Text("one"), Binding(AliceDevice, BobDevice));
        Assert.Equal("one", Read(bob, first, Binding(AliceDevice, BobDevice)));
        Assert.Equal(DecryptionFailure.Replayed, Refusal(bob, first, Binding(AliceDevice, BobDevice)));

        var second = alice.Encrypt(Text("two"), Binding(AliceDevice, BobDevice));
        var flipped = second.ToArray();
        flipped[^3] ^= 0x40;
        Assert.Equal(DecryptionFailure.Tampered, Refusal(bob, flipped, Binding(AliceDevice, BobDevice)));
        Assert.Equal(DecryptionFailure.Tampered, Refusal(bob, second, Binding(AliceDevice, Guid.NewGuid())));
        Assert.Equal("two", Read(bob, second, Binding(AliceDevice, BobDevice)));

        // An answer turns the ratchet; the old chain's used message is still known for a replay.
        Assert.Equal("b", Read(alice, bob.Encrypt(Text("b"), Binding(BobDevice, AliceDevice)), Binding(BobDevice, AliceDevice)));
        var third = alice.Encrypt(Text("three"), Binding(AliceDevice, BobDevice));
        Assert.Equal("three", Read(bob, third, Binding(AliceDevice, BobDevice)));
        Assert.Equal(DecryptionFailure.Replayed, Refusal(bob, first, Binding(AliceDevice, BobDevice)));
    }

    [Fact]
    public void A_session_survives_a_round_trip_through_its_serialised_form()
    {
        var (alice, bob) = Open();
        Read(bob, alice.Encrypt(Text("x"), Binding(AliceDevice, BobDevice)), Binding(AliceDevice, BobDevice));
        var stored = System.Text.Json.JsonSerializer.Deserialize<PairwiseSession>(System.Text.Json.JsonSerializer.Serialize(bob, System.Text.Json.JsonSerializerOptions.Web),
            System.Text.Json.JsonSerializerOptions.Web)!;
        Assert.Equal("y", Read(alice, stored.Encrypt(Text("y"), Binding(BobDevice, AliceDevice)), Binding(BobDevice, AliceDevice)));
    }

    [Fact]
    public void A_message_under_the_responders_signed_prekey_before_any_answer_is_malformed_not_a_crash()
    {
        var bobIdentity = AgreementKeyPair.Generate();
        var bobSigning = SigningKeyPair.Generate();
        var bobSignedPrekey = AgreementKeyPair.Generate();
        var bundle = new PrekeyBundle(BobDevice, bobIdentity.PublicKey, bobSigning.PublicKey, 1, bobSignedPrekey.PublicKey,
            bobSigning.Sign(bobSignedPrekey.PublicKey), null, null);
        var alice = PairwiseSession.Initiate(AgreementKeyPair.Generate(), AgreementKeyPair.Generate(), bundle);
        var forged = new SessionMessage(null, bobSignedPrekey.PublicKey, 0, 0, new byte[40]);

        Assert.Equal(DecryptionFailure.Malformed, Refusal(alice, forged.Encode(), Binding(BobDevice, AliceDevice)));
    }

    private static (PairwiseSession Alice, PairwiseSession Bob) Open()
    {
        var aliceIdentity = AgreementKeyPair.Generate();
        var bobIdentity = AgreementKeyPair.Generate();
        var bobSigning = SigningKeyPair.Generate();
        var bobSignedPrekey = AgreementKeyPair.Generate();
        var bobOneTime = AgreementKeyPair.Generate();
        var bundle = new PrekeyBundle(BobDevice, bobIdentity.PublicKey, bobSigning.PublicKey, 1, bobSignedPrekey.PublicKey,
            bobSigning.Sign(bobSignedPrekey.PublicKey), 9, bobOneTime.PublicKey);
        var alice = PairwiseSession.Initiate(aliceIdentity, AgreementKeyPair.Generate(), bundle);
        var opening = alice.Encrypt(Text("hello"), Binding(AliceDevice, BobDevice));
        var parsed = SessionMessage.Parse(opening);
        var bob = PairwiseSession.Respond(bobIdentity, bobSignedPrekey, bobOneTime, parsed.Opening!);
        Assert.Equal("hello", Encoding.UTF8.GetString(bob.Decrypt(parsed, Binding(AliceDevice, BobDevice))));
        return (alice, bob);
    }

    private static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Binding(Guid from, Guid to) => MessageBinding.Device(from, to, "test");

    private static string Read(PairwiseSession session, byte[] message, byte[] binding) =>
        Encoding.UTF8.GetString(session.Decrypt(SessionMessage.Parse(message), binding));

    private static DecryptionFailure Refusal(PairwiseSession session, byte[] message, byte[] binding) =>
        Assert.Throws<DecryptionException>(() => session.Decrypt(SessionMessage.Parse(message), binding)).Failure;
}
