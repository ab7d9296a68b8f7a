using Chat.Tests.Infrastructure;

namespace Chat.Tests.Telemetry;

/// <summary>A message's whole path reads as one trace on the dashboard, across both nodes and the worker.</summary>
public sealed class MessageTraceTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_message_sent_on_one_node_to_a_user_on_the_other_with_an_offline_device_is_one_trace_through_both_nodes_and_the_worker()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        var bobPhone = await PushDevices.RegisterAsync(Chat, await bob.LoginAsync(Chat, "phone"), "android", PushDevices.Token("bob-phone"));
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobLaptop = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);

        var ack = await aliceClient.SendAsync(conversation, "one trace, please");
        await bobLaptop.WaitUntilAsync(c => c.MessagesIn(conversation).Any(m => m.MessageId == ack.MessageId));
        await PushDevices.WaitForPushesAsync(Chat, bobPhone, 1);

        // The delivery on bob's node names the conversation and seq; its trace is the message's.
        var conversationTag = conversation.ToString();
        ReceivedSpan? delivery = null;
        await Eventually.HoldsAsync(() => (delivery = Chat.Telemetry.Spans.FirstOrDefault(s => s.Name == "deliver message"
                && s.Attributes.GetValueOrDefault("chat.conversation_id") == conversationTag && s.Attributes.GetValueOrDefault("chat.seq") == ack.Seq.ToString())) is not null,
            TimeSpan.FromSeconds(15), () => "no delivery span for the message");
        List<ReceivedSpan> trace = [];
        await Eventually.HoldsAsync(() =>
            {
                trace = Chat.Telemetry.Spans.Where(s => s.TraceId == delivery!.TraceId).ToList();
                return trace.Any(s => s.Service == "worker" && s.Name == "push message")
                    && trace.Where(s => s.Service == "realtime").Select(s => s.Instance).Distinct().Count() == 2;
            },
            TimeSpan.FromSeconds(15), () => "the trace holds: " + string.Join(", ", trace.Select(s => $"{s.Service}/{s.Instance[..Math.Min(8, s.Instance.Length)]}: {s.Name}")));

        var sender = trace.Single(s => s.Name == "SendMessage" || s.Name.EndsWith("/SendMessage", StringComparison.Ordinal));
        Assert.NotEqual(sender.Instance, delivery!.Instance);
        Assert.Contains(trace, s => s.Name == "send text message" && s.Instance == sender.Instance);
        Assert.Contains(trace, s => s.Name == "commit message batch" && s.Instance == sender.Instance);
        // Every span of the trace hangs from another span of it, but the hub call that began it.
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        Assert.All(trace.Where(s => s != sender), s => Assert.Contains(s.ParentSpanId, ids));
    }
}
