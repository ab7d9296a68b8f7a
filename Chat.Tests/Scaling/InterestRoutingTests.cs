using Chat.Tests.Infrastructure;

namespace Chat.Tests.Scaling;

/// <summary>
/// With routing by interest a node is sent only what its users receive, yet it must still see every event of a
/// conversation its users are in, or it holds the next one as a gap and reads it back from PostgreSQL later; and a
/// gap it does hold (its user was away) is read back, not left to stall the conversation.
/// </summary>
public sealed class InterestRoutingTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_conversation_back_and_forth_across_two_nodes_leaves_no_gap_on_either()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);

        // Each side answers the other, so each node commits every other event and is sent the rest.
        for (var i = 0; i < 10; i++)
        {
            var fromAlice = await aliceClient.SendAsync(conversation, $"ping {i}");
            await bobClient.WaitUntilAsync(c => c.MessagesIn(conversation).Any(m => m.MessageId == fromAlice.MessageId));
            var fromBob = await bobClient.SendAsync(conversation, $"pong {i}");
            await aliceClient.WaitUntilAsync(c => c.MessagesIn(conversation).Any(m => m.MessageId == fromBob.MessageId));
        }

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)(2 * i)), aliceClient.MessagesIn(conversation).Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)(2 * i + 1)), bobClient.MessagesIn(conversation).Select(m => m.Seq));
        var gaps = (await Chat.ServiceLogsAsync()).Where(l => l.Contains("Seq gap", StringComparison.Ordinal) && l.Contains(conversation.ToString(), StringComparison.Ordinal)).ToList();
        Assert.True(gaps.Count == 0, string.Join('\n', gaps));
    }

    [Fact]
    public async Task A_node_its_user_left_and_came_back_to_reads_the_events_it_was_not_sent_and_delivers_what_follows()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        var withCarol = await Conversations.DirectAsync(Chat, alice, carol);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var carolClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], carol.Tokens.AccessToken);
        await using (var away = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken))
        {
            var before = await aliceClient.SendAsync(conversation, "before");
            await away.WaitUntilAsync(c => c.MessagesIn(conversation).Any(m => m.MessageId == before.MessageId));
        }

        // Once bob is offline his node is no longer sent the conversation's events, yet it keeps its position there.
        await aliceClient.WaitUntilAsync(c => c.Presence.Any(p => p.UserId == bob.Id && !p.Online));
        var meanwhile = await aliceClient.SendAsync(conversation, "meanwhile");

        // Alice's node publishes in commit order, looking up each event's nodes as it does: once carol (on bob's
        // node) has a later message, "meanwhile" was routed while bob was away, not to his next connection.
        var marker = await aliceClient.SendAsync(withCarol, "marker");
        await carolClient.WaitUntilAsync(c => c.MessagesIn(withCarol).Any(m => m.MessageId == marker.MessageId));
        await using var back = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        var after = await aliceClient.SendAsync(conversation, "after");

        // The node holds "after" behind the gap "meanwhile" left, and only its tick, once the gap has lasted the gap
        // timeout, reads the gap from PostgreSQL: both then come live, in seq order.
        await back.WaitUntilAsync(c => c.MessagesIn(conversation).Any(m => m.MessageId == after.MessageId));
        Assert.Equal([meanwhile.Seq, after.Seq], back.MessagesIn(conversation).Select(m => m.Seq));
        var logs = await Chat.ServiceLogsAsync();
        Assert.Contains(logs, l => l.Contains($"Seq gap in conversation {conversation}: reading {meanwhile.Seq}..{meanwhile.Seq}", StringComparison.Ordinal));
    }
}
