using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Messages;

public sealed class CrossNodeMessagingTests(ChatApp chat) : DistributedTest(chat)
{
    private RealtimeNode NodeA => Chat.RealtimeNodes[0];
    private RealtimeNode NodeB => Chat.RealtimeNodes[1];

    [Fact]
    public async Task Users_on_different_nodes_exchange_direct_messages_and_every_device_but_the_sending_one_gets_them()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var alicePhone = alice.Tokens;
        var aliceLaptop = await alice.LoginAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);

        await using var phone = await ChatClient.ConnectAsync(NodeA, alicePhone.AccessToken);
        await using var laptop = await ChatClient.ConnectAsync(NodeB, aliceLaptop.AccessToken, messagePack: true);
        await using var bobClient = await ChatClient.ConnectAsync(NodeB, bob.Tokens.AccessToken);

        var ack = await phone.SendAsync(conversation, "hello bob");
        Assert.Equal(1, ack.Seq);

        foreach (var device in new[] { laptop, bobClient })
        {
            await device.WaitUntilAsync(c => c.MessagesIn(conversation).Count == 1);
            var received = Assert.Single(device.MessagesIn(conversation));
            Assert.Equal(ack.MessageId, received.MessageId);
            Assert.Equal("hello bob", received.Content);
            Assert.Equal("text", received.Kind);
            Assert.Equal(alice.Id, received.SenderId);
            Assert.Equal(alicePhone.DeviceId, received.SenderDeviceId);
        }

        // The phone had its message as the answer to its call; a later event shows none was written after it.
        var reply = await bobClient.SendAsync(conversation, "hi alice");
        Assert.Equal(2, reply.Seq);
        await phone.WaitUntilAsync(c => c.MessagesIn(conversation).Any(m => m.Seq == 2 && m.Content == "hi alice"));
        Assert.Equal([2L], phone.MessagesIn(conversation).Select(m => m.Seq));
        Assert.DoesNotContain(bobClient.MessagesIn(conversation), m => m.Seq == 2);
    }

    [Fact]
    public async Task Messages_one_connection_sends_without_waiting_keep_their_order_in_seq()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var aliceClient = await ChatClient.ConnectAsync(NodeA, alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(NodeB, bob.Tokens.AccessToken);

        // Sixteen calls in flight at once, as many as a connection may have (docs/protocol.md).
        var sends = Enumerable.Range(1, 16).Select(i => aliceClient.SendAsync(conversation, $"pipelined {i}")).ToList();
        var acks = await Task.WhenAll(sends);

        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), acks.Select(a => a.Seq));
        await bobClient.WaitUntilAsync(c => c.MessagesIn(conversation).Count == 16);
        Assert.Equal(Enumerable.Range(1, 16).Select(i => $"pipelined {i}"), bobClient.MessagesIn(conversation).Select(m => m.Content));
    }

    [Fact]
    public async Task Resending_with_the_same_client_id_on_the_other_node_stores_one_message()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var onA = await ChatClient.ConnectAsync(NodeA, alice.Tokens.AccessToken);
        await using var onB = await ChatClient.ConnectAsync(NodeB, alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(NodeA, bob.Tokens.AccessToken);

        var clientId = Guid.NewGuid().ToString();
        var first = await onA.SendAsync(conversation, "once", clientId);
        var again = await onB.SendAsync(conversation, "once", clientId);
        var third = await onA.SendAsync(conversation, "once", clientId);
        Assert.Equal(first, again);
        Assert.Equal(first, third);

        var next = await onA.SendAsync(conversation, "next");
        Assert.Equal(first.Seq + 1, next.Seq);
        var sync = await bobClient.SyncAsync([(conversation, 0)]);
        Assert.Equal(["once", "next"], sync.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task A_thousand_concurrent_group_messages_arrive_at_every_member_in_seq_order_once()
    {
        var members = new List<TestUser>();
        for (var i = 0; i < 10; i++)
        {
            members.Add(await TestUser.RegisterAsync(Chat));
        }

        var group = await Conversations.GroupAsync(Chat, members[0], members.Skip(1));
        var clients = new List<ChatClient>();
        for (var i = 0; i < members.Count; i++)
        {
            clients.Add(await ChatClient.ConnectAsync(Chat.RealtimeNodes[i % 2], members[i].Tokens.AccessToken));
        }

        try
        {
            // Ten senders on both nodes, 100 messages each, all at once.
            var sends = clients.Select((client, sender) => Task.WhenAll(Enumerable.Range(0, 100).Select(n => client.SendPacedAsync(group, $"{sender}:{n}"))));
            var acks = await Task.WhenAll(sends);
            Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), acks.SelectMany(a => a).Select(a => a.Seq).Order());

            // Each member gets every other member's messages as events, in seq order; its own are its answers.
            for (var i = 0; i < clients.Count; i++)
            {
                var own = acks[i].Select(a => a.Seq).ToHashSet();
                await clients[i].WaitUntilAsync(c => c.MessagesIn(group).Count >= 900, TimeSpan.FromSeconds(60));
                Assert.Equal(Enumerable.Range(1, 1000).Select(n => (long)n).Where(seq => !own.Contains(seq)), clients[i].MessagesIn(group).Select(m => m.Seq));
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task An_offline_member_syncs_everything_in_order_on_reconnect_including_edits_and_deletes()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var group = await Conversations.GroupAsync(Chat, alice, [bob]);
        await using var aliceClient = await ChatClient.ConnectAsync(NodeA, alice.Tokens.AccessToken);

        var acks = new List<MessageAck>();
        for (var i = 1; i <= 25; i++)
        {
            acks.Add(await aliceClient.SendAsync(group, $"m{i}"));
        }

        await aliceClient.Connection.InvokeAsync<MessageAck>("EditMessage", new { conversationId = group, messageId = acks[0].MessageId, content = "m1 edited" }, TestContext.Current.CancellationToken);
        await aliceClient.Connection.InvokeAsync<MessageAck>("DeleteMessage", new { conversationId = group, messageId = acks[1].MessageId }, TestContext.Current.CancellationToken);

        await using var bobClient = await ChatClient.ConnectAsync(NodeB, bob.Tokens.AccessToken);
        var received = new List<MessageEvent>();
        long cursor = 0;
        SyncResult page;
        do
        {
            page = await bobClient.SyncAsync([(group, cursor)], limit: 10);
            received.AddRange(page.Messages);
            cursor = page.Messages.Count > 0 ? page.Messages[^1].Seq : cursor;
        }
        while (page.HasMore);

        Assert.Equal(Enumerable.Range(1, 27).Select(i => (long)i), received.Select(m => m.Seq));
        Assert.Equal("m1 edited", received[0].Content);
        Assert.Null(received[1].Content); // deleted: erased, not hidden
        Assert.Equal(("edit", acks[0].MessageId), (received[25].Kind, received[25].TargetMessageId!.Value));
        Assert.Equal(("delete", acks[1].MessageId), (received[26].Kind, received[26].TargetMessageId!.Value));
        Assert.Contains(page.Positions, p => p.UserId == alice.Id && p.ConversationId == group);
    }

    [Fact]
    public async Task Bad_calls_get_clear_errors_and_the_connection_carries_on()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var stranger = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var aliceClient = await ChatClient.ConnectAsync(NodeA, alice.Tokens.AccessToken);
        await using var strangerClient = await ChatClient.ConnectAsync(NodeB, stranger.Tokens.AccessToken);

        await AssertHubError("content_too_large", () => aliceClient.SendAsync(conversation, new string('x', 64 * 1024 + 1)));
        await AssertHubError("conversation_not_found", () => aliceClient.SendAsync(Guid.NewGuid(), "hello?"));
        await AssertHubError("invalid_argument", () => aliceClient.SendAsync(conversation, ""));
        await AssertHubError("not_member", () => strangerClient.SendAsync(conversation, "let me in"));
        await AssertHubError("not_member", () => strangerClient.Connection.InvokeAsync("Typing", new { conversationId = conversation }, TestContext.Current.CancellationToken));
        await AssertHubError("not_member", () => strangerClient.Connection.InvokeAsync<long>("MarkRead", new { conversationId = conversation, seq = 1 }, TestContext.Current.CancellationToken));
        var strangerSync = await strangerClient.SyncAsync([(conversation, 0)]);
        Assert.Empty(strangerSync.Messages);

        // Still connected and working after all of that.
        var ack = await aliceClient.SendAsync(conversation, new string('y', 64 * 1024));
        Assert.Equal(1, ack.Seq);
    }

    [Fact]
    public async Task Sending_faster_than_the_per_user_limit_is_refused_until_the_bucket_refills()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var client = await ChatClient.ConnectAsync(NodeA, alice.Tokens.AccessToken);

        HubException? limited = null;
        for (var i = 0; i < 200 && limited is null; i++)
        {
            try
            {
                await client.SendAsync(conversation, $"flood {i}");
            }
            catch (HubException e)
            {
                limited = e;
            }
        }

        Assert.NotNull(limited);
        Assert.Contains("rate_limited", limited.Message);
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        Assert.True((await client.SendAsync(conversation, "after a pause")).Seq > 0);
    }

    private static async Task AssertHubError(string code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<HubException>(call);
        Assert.Contains(code, error.Message);
    }
}
