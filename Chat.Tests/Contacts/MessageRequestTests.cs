using System.Net;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using Chat.Tests.Messages;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Contacts;

/// <summary>A direct conversation from a stranger is a message request until its recipient answers it.</summary>
public sealed class MessageRequestTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_request_is_stored_and_synced_without_push_or_presence_until_accepted_and_then_is_a_normal_conversation()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var bobPhone = await PushDevices.RegisterAsync(Chat, await bob.LoginAsync(Chat, "phone"), "android", PushDevices.Token("request"));
        var (conversation, request) = await Conversations.DirectRequestAsync(Chat, alice, bob);
        Assert.Equal("sent", request);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);

        var first = await aliceClient.SendAsync(conversation, "hello, we have not met");
        await bobClient.WaitUntilAsync(c => c.MessagesIn(conversation).Any(m => m.MessageId == first.MessageId));
        var synced = await bobClient.SyncAsync([(conversation, 0)]);
        Assert.Contains(synced.Messages, m => m.MessageId == first.MessageId);
        using var bobApi = bob.Api(Chat);
        using var aliceApi = alice.Api(Chat);
        Assert.Equal("received", (await Conversations.GetAsync(bobApi, conversation)).GetProperty("request").GetString());

        // Neither sees the other's presence; Bob may not reply, type or call before he accepts, nor Alice call or type.
        await ApiClient.ReadProblemAsync(await aliceApi.GetAsync($"/api/users/{bob.Id}/presence"), HttpStatusCode.Forbidden);
        await ApiClient.ReadProblemAsync(await bobApi.GetAsync($"/api/users/{alice.Id}/presence"), HttpStatusCode.Forbidden);
        Assert.DoesNotContain(aliceClient.Presence, p => p.UserId == bob.Id);
        Assert.DoesNotContain(bobClient.Presence, p => p.UserId == alice.Id);
        await BlockingTests.AssertRefusedAsync("request_pending", () => bobClient.SendAsync(conversation, "who are you?"));
        await BlockingTests.AssertRefusedAsync("request_pending", () => bobClient.Connection.InvokeAsync("Typing", new { conversationId = conversation }, TestContext.Current.CancellationToken));
        await BlockingTests.AssertRefusedAsync("request_not_accepted",
            () => aliceClient.Connection.InvokeAsync<JsonElement>("StartCall", new { conversationId = conversation }, TestContext.Current.CancellationToken));
        await BlockingTests.AssertRefusedAsync("request_not_accepted", () => aliceClient.Connection.InvokeAsync("Typing", new { conversationId = conversation }, TestContext.Current.CancellationToken));

        // Bob reads it, and Alice cannot tell: no receipt, and his positions show as 0.
        Assert.Equal(first.Seq, await bobClient.Connection.InvokeAsync<long>("MarkRead", new { conversationId = conversation, seq = first.Seq }, TestContext.Current.CancellationToken));
        var bobAsAliceSees = (await Conversations.GetAsync(aliceApi, conversation)).GetProperty("members").EnumerateArray().Single(m => m.GetProperty("userId").GetGuid() == bob.Id);
        Assert.Equal(0, bobAsAliceSees.GetProperty("readSeq").GetInt64());
        // Sync gives Alice Bob's positions, both as 0, and never her own.
        var positions = (await aliceClient.SyncAsync([(conversation, 0)])).Positions;
        var bobsPosition = Assert.Single(positions, p => p.UserId == bob.Id);
        Assert.Equal((conversation, 0L, 0L), (bobsPosition.ConversationId, bobsPosition.DeliveredSeq, bobsPosition.ReadSeq));
        Assert.DoesNotContain(positions, p => p.UserId == alice.Id);

        // The phone heard nothing: a request pushes nothing.
        await Task.Delay(2000, TestContext.Current.CancellationToken);
        Assert.Equal(0, MessagePushes(bobPhone));
        Assert.Empty(aliceClient.Receipts);

        var accepted = await ApiClient.ReadAsync<JsonElement>(await bobApi.PostAsync($"/api/conversations/{conversation}/accept"));
        await aliceClient.WaitUntilAsync(c => c.Receipts.Any(r => r.UserId == bob.Id && r.Kind == "read" && r.Seq == first.Seq));
        Assert.Equal(JsonValueKind.Null, accepted.GetProperty("request").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await Conversations.GetAsync(aliceApi, conversation)).GetProperty("request").ValueKind);
        var reply = await bobClient.SendAsync(conversation, "hello alice");
        await aliceClient.WaitUntilAsync(c => c.MessagesIn(conversation).Any(m => m.MessageId == reply.MessageId));
        Assert.True((await ApiClient.ReadAsync<PresenceEvent>(await aliceApi.GetAsync($"/api/users/{bob.Id}/presence"))).Online);
        await aliceClient.SendAsync(conversation, "now you get a push");
        await Eventually.HoldsAsync(() => MessagePushes(bobPhone) == 1, TimeSpan.FromSeconds(20), () => $"{MessagePushes(bobPhone)} message push(es)");
    }

    /// <summary>Pushes of new messages to the device (its own reads send it badge updates, which are no news of anyone).</summary>
    private int MessagePushes(string token) =>
        Chat.Fcm.For(token).Count(r => r.Message.GetProperty("data").GetProperty("type").GetString() == "message");

    [Fact]
    public async Task Declining_hides_the_request_until_the_sender_writes_again_and_declining_with_block_blocks_the_sender()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var (fromAlice, _) = await Conversations.DirectRequestAsync(Chat, alice, bob);
        var (fromCarol, _) = await Conversations.DirectRequestAsync(Chat, carol, bob);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var carolClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], carol.Tokens.AccessToken);
        await aliceClient.SendAsync(fromAlice, "hi bob");
        await carolClient.SendAsync(fromCarol, "buy my stuff");

        using var bobApi = bob.Api(Chat);
        Assert.Equal(HttpStatusCode.NoContent, (await bobApi.PostAsync($"/api/conversations/{fromAlice}/decline", new { block = false })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await bobApi.PostAsync($"/api/conversations/{fromCarol}/decline", new { block = true })).StatusCode);
        Assert.DoesNotContain(fromAlice, await Conversations.ListedAsync(bobApi, ""));
        Assert.Contains(fromAlice, await Conversations.ListedAsync(bobApi, "&hidden=true"));
        var declinedAgain = await ApiClient.ReadProblemAsync(await bobApi.PostAsync($"/api/conversations/{Guid.NewGuid()}/decline", new { }), HttpStatusCode.NotFound);
        Assert.Equal(404, declinedAgain.GetProperty("status").GetInt32());

        // Alice writes again: the request is back, still a request. Carol is blocked.
        await aliceClient.SendAsync(fromAlice, "hi again");
        Assert.Contains(fromAlice, await Conversations.ListedAsync(bobApi, ""));
        Assert.Equal("received", (await Conversations.GetAsync(bobApi, fromAlice)).GetProperty("request").GetString());
        await BlockingTests.AssertRefusedAsync("blocked", () => carolClient.SendAsync(fromCarol, "hello?"));
        var blocked = await ApiClient.ReadAsync<JsonElement>(await bobApi.GetAsync("/api/users/blocked"));
        Assert.Equal([carol.Id], blocked.EnumerateArray().Select(b => b.GetProperty("userId").GetGuid()));

        // Declining what is no request is a conflict; an accepted conversation stays as it is.
        await ApiClient.ReadAsync<JsonElement>(await bobApi.PostAsync($"/api/conversations/{fromAlice}/accept"));
        var conflict = await ApiClient.ReadProblemAsync(await bobApi.PostAsync($"/api/conversations/{fromAlice}/decline", new { }), HttpStatusCode.Conflict);
        Assert.Equal("no_request", conflict.GetProperty("code").GetString());
    }

    [Fact]
    public async Task People_who_share_a_conversation_are_no_strangers_and_a_day_holds_a_bounded_number_of_requests_and_groups()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        await Conversations.GroupAsync(Chat, alice, [bob, carol]);
        var (direct, request) = await Conversations.DirectRequestAsync(Chat, bob, carol);
        Assert.Null(request);
        await using var carolClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], carol.Tokens.AccessToken);
        await carolClient.SendAsync(direct, "we met in alice's group");

        // 20 requests to strangers a day (Conversations__MaxRequestsPerDay); one more is refused until the oldest is a day old.
        var spammer = await TestUser.RegisterAsync(Chat);
        using var spammerApi = spammer.Api(Chat);
        for (var i = 0; i < 20; i++)
        {
            var stranger = await TestUser.RegisterAsync(Chat);
            Assert.Equal(HttpStatusCode.Created, (await spammerApi.PostAsync("/api/conversations", new { kind = "direct", userId = stranger.Id })).StatusCode);
        }

        var one = await TestUser.RegisterAsync(Chat);
        var refused = await spammerApi.PostAsync("/api/conversations", new { kind = "direct", userId = one.Id });
        Assert.Equal("rate_limited", (await ApiClient.ReadProblemAsync(refused, HttpStatusCode.TooManyRequests)).GetProperty("code").GetString());
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.FromHours(23));

        // Groups: 20 a day (Conversations__MaxGroupsPerDay), whoever is in them.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await spammerApi.PostAsync("/api/conversations", new { kind = "group", title = $"g{i}", memberIds = Array.Empty<Guid>() })).StatusCode);
        }

        var group = await spammerApi.PostAsync("/api/conversations", new { kind = "group", title = "one more", memberIds = Array.Empty<Guid>() });
        Assert.Equal("rate_limited", (await ApiClient.ReadProblemAsync(group, HttpStatusCode.TooManyRequests)).GetProperty("code").GetString());
    }
}
