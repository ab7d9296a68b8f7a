using Chat.Tests.Infrastructure;
using Chat.Tests.Messages;

namespace Chat.Tests.Push;

/// <summary>Stops the shared worker, so it runs alone with the other tests that break parts of the system.</summary>
[Collection(nameof(NodeFailureTests))]
public sealed class WorkerRestartTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_worker_stopped_mid_burst_and_started_again_sends_every_push_exactly_once()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        var bobPhone = await PushDevices.RegisterAsync(Chat, bob.Tokens, "android", PushDevices.Token("burst"));
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);

        var acks = new List<MessageAck>();
        for (var i = 0; i < 30; i++)
        {
            acks.Add(await aliceClient.SendPacedAsync(conversation, $"before {i}"));
        }

        await PushDevices.WaitForPushesAsync(Chat, bobPhone, 5);
        await Chat.StopResourceAsync("worker");
        for (var i = 0; i < 20; i++)
        {
            acks.Add(await aliceClient.SendPacedAsync(conversation, $"while stopped {i}"));
        }

        await Chat.StartResourceAsync("worker");
        await PushDevices.WaitForPushesAsync(Chat, bobPhone, 50, TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        var pushed = Chat.Fcm.For(bobPhone).Select(r => Guid.Parse(r.Message.GetProperty("data").GetProperty("messageId").GetString()!)).ToList();
        Assert.Equal(50, pushed.Count);
        Assert.Equal(acks.Select(a => a.MessageId).Order(), pushed.Order());
    }
}
