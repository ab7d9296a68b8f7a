using System.Net;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using Chat.Tests.Messages;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Contacts;

/// <summary>Blocking, from both sides, with the two users on different realtime nodes.</summary>
public sealed class BlockingTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_blocked_user_cannot_write_call_or_type_to_the_blocker_and_nothing_is_stored_until_the_block_is_lifted()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await bobClient.SendAsync(conversation, "before the block");

        using var aliceApi = alice.Api(Chat);
        Assert.Equal(HttpStatusCode.NoContent, (await aliceApi.PostAsync($"/api/users/{bob.Id}/block")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await aliceApi.PostAsync($"/api/users/{bob.Id}/block")).StatusCode);
        var blocked = await ApiClient.ReadAsync<JsonElement>(await aliceApi.GetAsync("/api/users/blocked"));
        Assert.Equal([bob.Id], blocked.EnumerateArray().Select(b => b.GetProperty("userId").GetGuid()));

        // Bob's message, call and typing are refused with the one code, and so are Alice's: the block stands both ways.
        await AssertRefusedAsync("blocked", () => bobClient.SendAsync(conversation, "while blocked"));
        await AssertRefusedAsync("blocked", () => bobClient.Connection.InvokeAsync("Typing", new { conversationId = conversation }, TestContext.Current.CancellationToken));
        await AssertRefusedAsync("blocked", () => bobClient.Connection.InvokeAsync<JsonElement>("StartCall", new { conversationId = conversation }, TestContext.Current.CancellationToken));
        await AssertRefusedAsync("blocked", () => aliceClient.SendAsync(conversation, "to the one I blocked"));
        using var bobApi = bob.Api(Chat);
        var viaRest = await ApiClient.ReadProblemAsync(
            await bobApi.PostAsync($"/api/conversations/{conversation}/messages", new { clientMessageId = "rest", content = "via REST" }), HttpStatusCode.Forbidden);
        Assert.Equal("blocked", viaRest.GetProperty("code").GetString());
        Assert.Equal(["before the block"], await ContentsAsync(aliceApi, conversation));
        var envelope = await ApiClient.ReadProblemAsync(await bobApi.PostAsync("/api/devices/current/messages", new
        {
            clientMessageId = "to-the-blocker",
            envelopes = new[] { new { userId = alice.Id, deviceId = alice.Tokens.DeviceId, ciphertext = "AAAA" } },
        }), HttpStatusCode.Forbidden);
        Assert.Equal("blocked", envelope.GetProperty("code").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await aliceApi.DeleteAsync($"/api/users/{bob.Id}/block")).StatusCode);
        Assert.Empty((await ApiClient.ReadAsync<JsonElement>(await aliceApi.GetAsync("/api/users/blocked"))).EnumerateArray());
        var after = await bobClient.SendAsync(conversation, "after the block");
        await aliceClient.WaitUntilAsync(c => c.MessagesIn(conversation).Any(m => m.MessageId == after.MessageId));
        Assert.Equal(["before the block", "after the block"], await ContentsAsync(aliceApi, conversation));
    }

    [Fact]
    public async Task Neither_side_of_a_block_sees_the_others_presence_and_the_blocked_one_sees_what_a_stranger_sees()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var stranger = await TestUser.RegisterAsync(Chat);
        await Conversations.DirectAsync(Chat, alice, bob);
        using var aliceApi = alice.Api(Chat);
        using var bobApi = bob.Api(Chat);
        using var strangerApi = stranger.Api(Chat);
        Assert.Equal(HttpStatusCode.OK, (await bobApi.GetAsync($"/api/users/{alice.Id}/presence")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await aliceApi.PostAsync($"/api/users/{bob.Id}/block")).StatusCode);
        var asBlocked = await ApiClient.ReadProblemAsync(await bobApi.GetAsync($"/api/users/{alice.Id}/presence"), HttpStatusCode.Forbidden);
        var asStranger = await ApiClient.ReadProblemAsync(await strangerApi.GetAsync($"/api/users/{alice.Id}/presence"), HttpStatusCode.Forbidden);
        Assert.Equal(asStranger.GetProperty("detail").GetString(), asBlocked.GetProperty("detail").GetString());
        await ApiClient.ReadProblemAsync(await aliceApi.GetAsync($"/api/users/{bob.Id}/presence"), HttpStatusCode.Forbidden);

        // Live: neither hears the other come online, on whichever node.
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobAgain = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], (await bob.LoginAsync(Chat)).AccessToken);
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(bobClient.Presence, p => p.UserId == alice.Id);
        Assert.DoesNotContain(aliceClient.Presence, p => p.UserId == bob.Id);
    }

    [Fact]
    public async Task A_blocked_user_cannot_add_the_blocker_to_a_group_nor_create_one_with_them()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        await Conversations.DirectAsync(Chat, alice, bob);
        var group = await Conversations.GroupAsync(Chat, bob, [carol]);
        using var aliceApi = alice.Api(Chat);
        Assert.Equal(HttpStatusCode.NoContent, (await aliceApi.PostAsync($"/api/users/{bob.Id}/block")).StatusCode);

        using var bobApi = bob.Api(Chat);
        var add = await ApiClient.ReadProblemAsync(await bobApi.PostAsync($"/api/conversations/{group}/members", new { userId = alice.Id }), HttpStatusCode.Forbidden);
        Assert.Equal("blocked", add.GetProperty("code").GetString());
        var create = await ApiClient.ReadProblemAsync(
            await bobApi.PostAsync("/api/conversations", new { kind = "group", title = "with alice", memberIds = new[] { alice.Id, carol.Id } }), HttpStatusCode.Forbidden);
        Assert.Equal("blocked", create.GetProperty("code").GetString());
        var conversations = await ApiClient.ReadAsync<JsonElement>(await aliceApi.GetAsync("/api/conversations"));
        Assert.DoesNotContain(conversations.GetProperty("conversations").EnumerateArray(), c => c.GetProperty("id").GetGuid() == group);
        Assert.Empty((await ApiClient.ReadAsync<JsonElement>(await aliceApi.GetAsync("/api/invitations"))).EnumerateArray());

        // Blocking yourself or nobody is a mistake the API names.
        await ApiClient.ReadProblemAsync(await aliceApi.PostAsync($"/api/users/{alice.Id}/block"), HttpStatusCode.BadRequest);
        await ApiClient.ReadProblemAsync(await aliceApi.PostAsync($"/api/users/{Guid.NewGuid()}/block"), HttpStatusCode.NotFound);
    }

    private static async Task<List<string?>> ContentsAsync(ApiClient api, Guid conversation)
    {
        var page = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync($"/api/conversations/{conversation}/messages?afterSeq=0"));
        return page.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("kind").GetString() == "text")
            .Select(m => m.GetProperty("content").GetString()).ToList();
    }

    internal static async Task AssertRefusedAsync(string code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<HubException>(call);
        Assert.StartsWith(code + ":", error.Message[(error.Message.IndexOf(code, StringComparison.Ordinal))..]);
    }
}
