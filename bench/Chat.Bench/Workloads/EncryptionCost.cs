using System.Diagnostics;
using System.Text;
using Chat.Client.Crypto;

namespace Chat.Bench.Workloads;

/// <summary>
/// What end-to-end encryption costs clients per message, measured on one thread of this process: the sender's
/// encryption, each receiving device's decryption (its tag or the signature checked), and the sender key's replacement every 100
/// messages (a Double Ratchet message to each other member device, and its decryption), spread over those 100.
/// </summary>
public static class EncryptionCost
{
    /// <param name="Members">Devices in the conversation, the sender's included.</param>
    public sealed record Result(int Members, double EncryptMicroseconds, double DecryptMicroseconds, double RotationMicroseconds)
    {
        /// <summary>All client CPU one message costs: one encryption, a decryption on every other device, its share of rotation.</summary>
        public double TotalMicroseconds => EncryptMicroseconds + (Members - 1) * DecryptMicroseconds + RotationMicroseconds;
    }

    private const int RotateAfter = 100;

    public static Result Measure(int members, int messages)
    {
        var payload = Encoding.UTF8.GetBytes(Payloads.Create(0, 0));
        var conversation = Guid.NewGuid();
        var device = Guid.NewGuid();

        // Tagged for up to 32 other devices, signed beyond (SenderKey.Address).
        var sender = SenderKey.Create(conversation, device);
        var recipients = Enumerable.Range(1, members - 1).Select(_ => Guid.NewGuid()).ToList();
        sender.Address(recipients);
        var receiver = SenderKey.Received(sender.Distribution(recipients[0]), device);
        var sealedMessages = new byte[messages][];
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < messages; i++)
        {
            sealedMessages[i] = sender.Encrypt(payload, "c");
        }

        var encrypt = Stopwatch.GetElapsedTime(start).TotalMicroseconds / messages;
        var parsed = sealedMessages.Select(m => GroupMessage.Parse(m)).ToArray();
        start = Stopwatch.GetTimestamp();
        foreach (var message in parsed)
        {
            receiver.Decrypt(message, "c");
        }

        var decrypt = Stopwatch.GetElapsedTime(start).TotalMicroseconds / messages;

        // One distribution: a session message to one device and its decryption, with an answer that turns the
        // ratchet each time (members send their own keys back): the dearer case.
        var (from, to) = OpenSession();
        var distribution = sender.Distribution(recipients[0]).Encode();
        var binding = MessageBinding.Device(device, device, "sk");
        var rounds = Math.Max(1, messages / 10);
        start = Stopwatch.GetTimestamp();
        for (var i = 0; i < rounds; i++)
        {
            to.Decrypt(SessionMessage.Parse(from.Encrypt(distribution, binding)), binding);
            from.Decrypt(SessionMessage.Parse(to.Encrypt(distribution, binding)), binding);
        }

        var perDevice = Stopwatch.GetElapsedTime(start).TotalMicroseconds / rounds;
        return new Result(members, encrypt, decrypt, perDevice * (members - 1) / RotateAfter);
    }

    private static (PairwiseSession From, PairwiseSession To) OpenSession()
    {
        var identity = AgreementKeyPair.Generate();
        var signing = SigningKeyPair.Generate();
        var signedPrekey = AgreementKeyPair.Generate();
        var bundle = new PrekeyBundle(Guid.NewGuid(), identity.PublicKey, signing.PublicKey, 1, signedPrekey.PublicKey, signing.Sign(signedPrekey.PublicKey), null, null);
        var from = PairwiseSession.Initiate(AgreementKeyPair.Generate(), AgreementKeyPair.Generate(), bundle);
        var binding = MessageBinding.Device(Guid.Empty, Guid.Empty, "open");
        var opening = SessionMessage.Parse(from.Encrypt([1], binding));
        var to = PairwiseSession.Respond(identity, signedPrekey, null, opening.Opening!);
        to.Decrypt(opening, binding);
        from.Decrypt(SessionMessage.Parse(to.Encrypt([1], binding)), binding);
        return (from, to);
    }
}
