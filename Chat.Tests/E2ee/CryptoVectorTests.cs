using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Chat.Client.Crypto;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.E2ee;

/// <summary>The test vectors of docs/e2ee.md, recomputed from their inputs: the document and the code cannot drift apart.</summary>
public sealed partial class CryptoVectorTests
{
    private static readonly Dictionary<string, JsonElement> Vectors = Load();

    private static byte[] Hex(string name) => Convert.FromHexString(Vectors[name].GetString()!);
    private static Guid Id(string name) => Guid.Parse(Vectors[name].GetString()!);
    private static AgreementKeyPair Pair(string name) => AgreementKeyPair.FromPrivateKey(Hex(name));

    private static PrekeyBundle BobsBundle() => new(Id("bobDevice"), Pair("bobIdentityPrivate").PublicKey, Hex("bobSigningPublic"),
        Vectors["bobSignedPrekeyId"].GetUInt32(), Pair("bobSignedPrekeyPrivate").PublicKey, Hex("signedPrekeySignature"),
        Vectors["bobOneTimePrekeyId"].GetUInt32(), Pair("bobOneTimePrekeyPrivate").PublicKey);

    [Fact]
    public void Public_keys_and_the_X3DH_secret_match_on_both_sides()
    {
        Assert.Equal(Hex("aliceIdentityPublic"), Pair("aliceIdentityPrivate").PublicKey);
        Assert.Equal(Hex("bobIdentityPublic"), Pair("bobIdentityPrivate").PublicKey);
        Assert.Equal(Hex("x3dhSecret"), X3dh.Initiate(Pair("aliceIdentityPrivate"), Pair("aliceEphemeralPrivate"), BobsBundle()));
        Assert.Equal(Hex("x3dhSecret"), X3dh.Respond(Pair("bobIdentityPrivate"), Pair("bobSignedPrekeyPrivate"), Pair("bobOneTimePrekeyPrivate"),
            Hex("aliceIdentityPublic"), Pair("aliceEphemeralPrivate").PublicKey));
    }

    [Fact]
    public void A_bundle_whose_signed_prekey_signature_does_not_verify_is_refused()
    {
        var signature = Hex("signedPrekeySignature");
        signature[10] ^= 1;
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            X3dh.Initiate(Pair("aliceIdentityPrivate"), Pair("aliceEphemeralPrivate"), BobsBundle() with { SignedPrekeySignature = signature }));
    }

    [Fact]
    public void The_first_session_messages_each_way_are_reproduced_byte_for_byte()
    {
        var (alice, bob) = (Id("aliceDevice"), Id("bobDevice"));
        var aliceSession = PairwiseSession.Initiate(Pair("aliceIdentityPrivate"), Pair("aliceEphemeralPrivate"), BobsBundle(), Pair("aliceRatchetPrivate"));
        Assert.Equal(Hex("m1"), aliceSession.Encrypt("hello bob"u8, MessageBinding.Device(alice, bob, "sk-1")));

        var m1 = SessionMessage.Parse(Hex("m1"));
        var bobSession = PairwiseSession.Respond(Pair("bobIdentityPrivate"), Pair("bobSignedPrekeyPrivate"), Pair("bobOneTimePrekeyPrivate"), m1.Opening!);
        Assert.Equal("hello bob", Encoding.UTF8.GetString(bobSession.Decrypt(m1, MessageBinding.Device(alice, bob, "sk-1"), () => Pair("bobRatchetPrivate"))));
        Assert.Equal(Hex("m2"), bobSession.Encrypt("hello alice"u8, MessageBinding.Device(bob, alice, "sk-2")));
        Assert.Equal("hello alice", Encoding.UTF8.GetString(aliceSession.Decrypt(SessionMessage.Parse(Hex("m2")), MessageBinding.Device(bob, alice, "sk-2"))));
    }

    [Fact]
    public void The_chain_step_the_distribution_and_the_group_message_are_reproduced()
    {
        var (messageKey, next) = Kdf.Chain(Hex("chainKey"));
        Assert.Equal(Hex("messageKey"), messageKey);
        Assert.Equal(Hex("nextChainKey"), next);

        var distribution = new SenderKeyDistribution(Id("conversation"), Id("distributionId"), 0, Hex("chainKey"), Hex("groupSigningPublic"));
        Assert.Equal(Hex("distribution"), distribution.Encode());
        var parsed = SenderKeyDistribution.Parse(Hex("distribution"));
        Assert.Equal((distribution.ConversationId, distribution.DistributionId, distribution.Iteration), (parsed.ConversationId, parsed.DistributionId, parsed.Iteration));
        Assert.Equal(distribution.ChainKey, parsed.ChainKey);
        Assert.Equal(distribution.SigningKey, parsed.SigningKey);

        var sender = new SenderKey
        {
            ConversationId = Id("conversation"), DistributionId = Id("distributionId"), SenderDeviceId = Id("aliceDevice"),
            ChainKey = Hex("chainKey"), Iteration = 0, Signing = SigningKeyPair.Generate(),
        };
        var mine = sender.Encrypt("hello group"u8, "c1");
        Assert.Equal(Hex("g")[..^SigningKeyPair.SignatureLength], mine[..^SigningKeyPair.SignatureLength]);

        var receiver = SenderKey.Received(SenderKeyDistribution.Parse(Hex("distribution")), Id("aliceDevice"));
        Assert.Equal("hello group", Encoding.UTF8.GetString(receiver.Decrypt(GroupMessage.Parse(Hex("g")), "c1")));
    }

    [Fact]
    public void The_tagged_group_message_and_its_distribution_are_reproduced_byte_for_byte()
    {
        var (bob, carol) = (Id("bobDevice"), Id("carolDevice"));
        var sender = new SenderKey
        {
            ConversationId = Id("conversation"), DistributionId = Id("taggedDistributionId"), SenderDeviceId = Id("aliceDevice"),
            ChainKey = Hex("taggedChainKey"), Iteration = 0,
            TagKeys = [new DeviceTagKey(bob, SHA256.HashData("tag0"u8)), new DeviceTagKey(carol, SHA256.HashData("tag1"u8))],
        };
        Assert.Equal(Hex("distributionTagged"), sender.Distribution(carol).Encode());
        Assert.Equal(Hex("gTagged"), sender.Encrypt("hello tagged"u8, "c2"));

        var receiver = SenderKey.Received(SenderKeyDistribution.Parse(Hex("distributionTagged")), Id("aliceDevice"));
        Assert.Equal("hello tagged", Encoding.UTF8.GetString(receiver.Decrypt(GroupMessage.Parse(Hex("gTagged")), "c2")));
    }

    private static Dictionary<string, JsonElement> Load()
    {
        var document = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "e2ee.md"));
        var block = VectorBlock().Match(document);
        Assert.True(block.Success, "docs/e2ee.md has no test vector block.");
        return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(block.Groups[1].Value)!;
    }

    [GeneratedRegex(@"## Test vectors.*?```json\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex VectorBlock();
}
