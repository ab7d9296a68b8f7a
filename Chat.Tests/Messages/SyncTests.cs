using Chat.Tests.Infrastructure;

namespace Chat.Tests.Messages;

public sealed class SyncTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_new_device_without_cursors_pages_through_every_conversation_in_order()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var conversations = new[]
        {
            await Conversations.DirectAsync(Chat, alice, bob),
            await Conversations.DirectAsync(Chat, alice, carol),
            await Conversations.GroupAsync(Chat, alice, [bob, carol]),
        };
        await using (var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken))
        {
            foreach (var (conversation, count) in conversations.Zip([7, 2, 5]))
            {
                for (var i = 1; i <= count; i++)
                {
                    await aliceClient.SendAsync(conversation, $"{conversation:N} {i}");
                }
            }
        }

        await using var bobLaptop = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], (await bob.LoginAsync(Chat, "laptop")).AccessToken);
        var received = new List<MessageEvent>();
        var cursors = new Dictionary<Guid, long>();
        SyncResult page;
        do
        {
            page = await bobLaptop.SyncAsync(cursors.Select(c => (c.Key, c.Value)), limit: 3);
            Assert.InRange(page.Messages.Count, 1, 3);
            received.AddRange(page.Messages);
            foreach (var message in page.Messages)
            {
                cursors[message.ConversationId] = message.Seq;
            }
        }
        while (page.HasMore);

        // Bob is not in alice's conversation with carol; the others arrive whole, each in seq order.
        var expected = new[] { (conversations[0], 7), (conversations[2], 5) }
            .SelectMany(c => Enumerable.Range(1, c.Item2).Select(seq => (c.Item1, (long)seq)))
            .OrderBy(m => m.Item1).ThenBy(m => m.Item2);
        Assert.Equal(expected, received.Select(m => (m.ConversationId, m.Seq)));
    }
}
