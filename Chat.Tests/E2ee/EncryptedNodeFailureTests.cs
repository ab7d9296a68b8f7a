using Chat.Client.E2ee;
using Chat.Tests.Infrastructure;
using Chat.Tests.Messages;

namespace Chat.Tests.E2ee;

/// <summary>A device whose node is killed while envelopes and messages for it are sent gets every one once, elsewhere.</summary>
[Collection(nameof(NodeFailureTests))]
public sealed class EncryptedNodeFailureTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Encrypted_messages_and_the_keys_they_need_reach_a_device_whose_node_was_killed_once_each()
    {
        var (victim, survivor) = (Chat.RealtimeNodes[0], Chat.RealtimeNodes[1]);

        // A new sender key with every message: each message needs its own device message first.
        await using var alice = await Party.RegisterAsync(Chat, survivor, new SecureMessengerOptions { RotateAfterMessages = 1 });
        await using var bob = await Party.RegisterAsync(Chat, victim);
        using (var rest = await alice.RestAsync())
        {
            var created = await rest.PostAsync("/api/conversations", new { kind = "direct", userId = bob.UserId });
            var direct = (await ApiClient.ReadAsync<System.Text.Json.JsonElement>(created, created.StatusCode)).GetProperty("id").GetGuid();
            using (var bobRest = await bob.RestAsync())
            {
                await Conversations.AnswerAsync(bobRest, direct);
            }

            await alice.SendAsync(direct, "m0");
            await bob.WaitForAsync(p => p.Received.Count == 1, "the first message");
            Chat.KillRealtimeNode(victim);
            for (var i = 1; i <= 10; i++)
            {
                await alice.SendAsync(direct, $"m{i}");
            }

            // Bob's app finds its node gone and comes back on the other, with the device's keys and cursors.
            await bob.RestartAsync(survivor);
            await bob.WaitForAsync(p => p.Received.Count >= 11, "every message");
            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        Assert.Equal(Enumerable.Range(0, 11).Select(i => $"m{i}"), bob.Received.Select(m => m.Text));
        Assert.Empty(bob.Refused);
        await Chat.RestartRealtimeNodeAsync(victim);
    }
}
