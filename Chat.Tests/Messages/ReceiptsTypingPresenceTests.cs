using System.Collections.Concurrent;
using System.Net;
using Chat.Messaging.Presence;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace Chat.Tests.Messages;

public sealed class ReceiptsTypingPresenceTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Positions_move_forward_only_and_receipts_reach_the_other_members()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        for (var i = 0; i < 3; i++)
        {
            await aliceClient.SendAsync(conversation, $"m{i}");
        }

        var token = TestContext.Current.CancellationToken;
        Assert.Equal(3, await bobClient.Connection.InvokeAsync<long>("MarkDelivered", new { conversationId = conversation, seq = 3 }, token));
        Assert.Equal(2, await bobClient.Connection.InvokeAsync<long>("MarkRead", new { conversationId = conversation, seq = 2 }, token));
        Assert.Equal(2, await bobClient.Connection.InvokeAsync<long>("MarkRead", new { conversationId = conversation, seq = 1 }, token)); // never back
        await Assert.ThrowsAsync<HubException>(() => bobClient.Connection.InvokeAsync<long>("MarkRead", new { conversationId = conversation, seq = 4 }, token));

        await aliceClient.WaitUntilAsync(c => c.Receipts.Any(r => r.Kind == "read" && r.Seq == 2));
        Assert.Contains(aliceClient.Receipts, r => r == new ReceiptEvent(conversation, bob.Id, "delivered", 3));
        Assert.DoesNotContain(aliceClient.Receipts, r => r.Seq == 1);

        var sync = await aliceClient.SyncAsync([(conversation, 3)]);
        Assert.Contains(sync.Positions, p => p == new ReceiptPosition(conversation, bob.Id, 3, 2));

        using var bobApi = bob.Api(Chat);
        var list = await ApiClient.ReadAsync<System.Text.Json.JsonElement>(await bobApi.GetAsync("/api/conversations"));
        var mine = list.GetProperty("conversations").EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == conversation);
        Assert.Equal((3, 2, 1), (mine.GetProperty("lastSeq").GetInt64(), mine.GetProperty("readSeq").GetInt64(), mine.GetProperty("unreadCount").GetInt64()));
        Assert.Equal("m2", mine.GetProperty("lastMessage").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Typing_reaches_the_other_members_online_devices_only()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat); // not in the conversation
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await Conversations.DirectAsync(Chat, alice, carol);

        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await using var carolClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], carol.Tokens.AccessToken);
        var typing = new ConcurrentQueue<(Guid, string)>();
        foreach (var (name, client) in new[] { ("alice", aliceClient), ("bob", bobClient), ("carol", carolClient) })
        {
            client.Connection.On<TypingPayload>("typing", t => typing.Enqueue((t.ConversationId, name)));
        }

        await aliceClient.Connection.InvokeAsync("Typing", new { conversationId = conversation }, TestContext.Current.CancellationToken);
        await bobClient.WaitUntilAsync(_ => typing.Any(t => t.Item2 == "bob"));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal([(conversation, "bob")], typing.ToArray());
    }

    [Fact]
    public async Task Presence_goes_to_contacts_and_is_visible_only_to_them()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var stranger = await TestUser.RegisterAsync(Chat);
        await Conversations.DirectAsync(Chat, alice, bob);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);

        // Two devices on two nodes: online once, offline only when the last one leaves.
        var phone = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        var laptop = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], (await alice.LoginAsync(Chat)).AccessToken);
        await bobClient.WaitUntilAsync(c => c.Presence.Any(p => p.UserId == alice.Id && p.Online));
        await phone.DisposeAsync();
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(bobClient.Presence, p => p.UserId == alice.Id && !p.Online);
        await laptop.DisposeAsync();
        await bobClient.WaitUntilAsync(c => c.Presence.Any(p => p.UserId == alice.Id && !p.Online && p.LastSeenAt is not null));
        Assert.Single(bobClient.Presence, p => p.UserId == alice.Id && p.Online);

        using var strangerApi = stranger.Api(Chat);
        await ApiClient.ReadProblemAsync(await strangerApi.GetAsync($"/api/users/{alice.Id}/presence"), HttpStatusCode.Forbidden);
        using var bobApi = bob.Api(Chat);
        var status = await ApiClient.ReadAsync<PresenceEvent>(await bobApi.GetAsync($"/api/users/{alice.Id}/presence"));
        Assert.False(status.Online);
        Assert.NotNull(status.LastSeenAt);
    }

    [Fact]
    public async Task Presence_is_announced_in_direct_conversations_and_small_groups_but_not_in_large_groups()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var dave = await TestUser.RegisterAsync(Chat);
        await Conversations.DirectAsync(Chat, alice, carol);
        await Conversations.GroupAsync(Chat, alice, [dave]);
        // Bob joins the large group as one of its crowd, not through a conversation of his own with Alice.
        var large = await Conversations.GroupAsync(Chat, alice, []);
        await AddFillerMembersAsync(large, PresenceAudience.MaxAnnouncingGroupSize - 1, bob.Id);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], bob.Tokens.AccessToken);
        await using var carolClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], carol.Tokens.AccessToken);
        await using var daveClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], dave.Tokens.AccessToken);

        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], alice.Tokens.AccessToken);
        await carolClient.WaitUntilAsync(c => c.Presence.Any(p => p.UserId == alice.Id && p.Online));
        await daveClient.WaitUntilAsync(c => c.Presence.Any(p => p.UserId == alice.Id && p.Online));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(bobClient.Presence, p => p.UserId == alice.Id);

        // Bob still reads it when he shows it.
        using var bobApi = bob.Api(Chat);
        Assert.True((await ApiClient.ReadAsync<PresenceEvent>(await bobApi.GetAsync($"/api/users/{alice.Id}/presence"))).Online);
    }

    /// <summary>Grows a group past the size that announces presence without registering hundreds of users through the API, and adds <paramref name="member"/>.</summary>
    private async Task AddFillerMembersAsync(Guid conversation, int count, Guid member)
    {
        await using var db = new NpgsqlConnection(await Chat.ConnectionStringAsync("chatdb"));
        await db.OpenAsync(TestContext.Current.CancellationToken);
        await using var insert = new NpgsqlCommand("""
            WITH fillers AS (
                INSERT INTO users (id, username, normalized_username, display_name, password_hash, created_at)
                SELECT gen_random_uuid(), 'f' || n || '_' || @tag, 'F' || n || '_' || upper(@tag), 'filler', 'none', now()
                FROM generate_series(1, @count) AS n
                RETURNING id)
            INSERT INTO conversation_members (conversation_id, user_id, role, joined_at, delivered_seq, read_seq)
            SELECT @conversation, id, 0, now(), 0, 0 FROM fillers
            UNION ALL SELECT @conversation, @member, 0, now(), 0, 0
            """, db)
        {
            Parameters = { new("tag", Guid.NewGuid().ToString("N")[..12]), new("count", count), new("conversation", conversation), new("member", member) },
        };
        Assert.Equal(count + 1, await insert.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
    }

    private sealed record TypingPayload(Guid ConversationId, Guid UserId);
}
