using System.Net;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Contacts;

/// <summary>Being added to a group by a stranger is an invitation, not a membership, until accepted.</summary>
public sealed class GroupInvitationTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_stranger_is_invited_sees_nothing_of_the_group_until_accepting_and_then_joins_by_a_sequenced_event()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var stranger = await TestUser.RegisterAsync(Chat);
        var group = await Conversations.GroupAsync(Chat, alice, [bob]);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], bob.Tokens.AccessToken);
        await using var strangerClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], stranger.Tokens.AccessToken);
        using var aliceApi = alice.Api(Chat);
        using var strangerApi = stranger.Api(Chat);

        var added = await aliceApi.PostAsync($"/api/conversations/{group}/members", new { userId = stranger.Id });
        var pending = await ApiClient.ReadAsync<JsonElement>(added, HttpStatusCode.Accepted);
        Assert.DoesNotContain(pending.GetProperty("members").EnumerateArray(), m => m.GetProperty("userId").GetGuid() == stranger.Id);
        Assert.Equal([stranger.Id], pending.GetProperty("invited").EnumerateArray().Select(i => i.GetProperty("userId").GetGuid()));
        await strangerClient.WaitUntilAsync(c => c.Invitations.Any(i => i.ConversationId == group && i.InvitedBy == alice.Id));
        var listed = await ApiClient.ReadAsync<JsonElement>(await strangerApi.GetAsync("/api/invitations"));
        Assert.Equal(group, listed.EnumerateArray().Single().GetProperty("conversationId").GetGuid());

        // Invited is not a member: no history, no sending, no messages live.
        var before = await bobClient.SendAsync(group, "before the stranger joins");
        await ApiClient.ReadProblemAsync(await strangerApi.GetAsync($"/api/conversations/{group}/messages?afterSeq=0"), HttpStatusCode.NotFound);
        await BlockingTests.AssertRefusedAsync("not_member", () => strangerClient.SendAsync(group, "let me in"));
        Assert.DoesNotContain(strangerClient.Messages, m => m.ConversationId == group);

        var joined = await ApiClient.ReadAsync<JsonElement>(await strangerApi.PostAsync($"/api/invitations/{group}"));
        Assert.Contains(joined.GetProperty("members").EnumerateArray(), m => m.GetProperty("userId").GetGuid() == stranger.Id);
        Assert.Empty(joined.GetProperty("invited").EnumerateArray());
        await bobClient.WaitUntilAsync(c => c.MessagesIn(group).Any(m => m.Kind == "memberAdded" && m.MemberId == stranger.Id && m.SenderId == stranger.Id));
        var synced = await strangerClient.SyncAsync([(group, 0)]);
        Assert.Equal(before.Seq + 1, synced.Messages.Single(m => m.Kind == "memberAdded" && m.MemberId == stranger.Id).Seq);
        var welcome = await bobClient.SendAsync(group, "welcome");
        await strangerClient.WaitUntilAsync(c => c.MessagesIn(group).Any(m => m.MessageId == welcome.MessageId));
        Assert.Equal("invitation_not_found", (await ApiClient.ReadProblemAsync(await strangerApi.PostAsync($"/api/invitations/{group}"), HttpStatusCode.NotFound)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_invitation_can_be_declined_or_withdrawn_and_people_known_to_the_adder_join_at_once()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var friend = await TestUser.RegisterAsync(Chat);
        var stranger = await TestUser.RegisterAsync(Chat);
        var other = await TestUser.RegisterAsync(Chat);
        await Conversations.AcquaintAsync(Chat, alice, friend);
        using var aliceApi = alice.Api(Chat);
        var created = await ApiClient.ReadAsync<JsonElement>(
            await aliceApi.PostAsync("/api/conversations", new { kind = "group", title = "mixed", memberIds = new[] { friend.Id, stranger.Id, other.Id } }),
            HttpStatusCode.Created);
        var group = created.GetProperty("id").GetGuid();
        Assert.Equal(new[] { alice.Id, friend.Id }.Order(), created.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("userId").GetGuid()).Order());
        Assert.Equal(new[] { stranger.Id, other.Id }.Order(), created.GetProperty("invited").EnumerateArray().Select(i => i.GetProperty("userId").GetGuid()).Order());

        using var strangerApi = stranger.Api(Chat);
        Assert.Equal(HttpStatusCode.NoContent, (await strangerApi.DeleteAsync($"/api/invitations/{group}")).StatusCode);
        Assert.Empty((await ApiClient.ReadAsync<JsonElement>(await strangerApi.GetAsync("/api/invitations"))).EnumerateArray());
        Assert.Equal(HttpStatusCode.NoContent, (await aliceApi.DeleteAsync($"/api/conversations/{group}/members/{other.Id}")).StatusCode);
        using var otherApi = other.Api(Chat);
        Assert.Equal("invitation_not_found", (await ApiClient.ReadProblemAsync(await otherApi.PostAsync($"/api/invitations/{group}"), HttpStatusCode.NotFound)).GetProperty("code").GetString());
        var now = await ApiClient.ReadAsync<JsonElement>(await aliceApi.GetAsync($"/api/conversations/{group}"));
        Assert.Empty(now.GetProperty("invited").EnumerateArray());
        Assert.Equal(2, now.GetProperty("members").GetArrayLength());

        // Invited by Alice, then added by Friend who knows them: the invitation goes, and cannot bring them back after a removal.
        Assert.Equal(HttpStatusCode.Accepted, (await aliceApi.PostAsync($"/api/conversations/{group}/members", new { userId = other.Id })).StatusCode);
        await Conversations.AcquaintAsync(Chat, friend, other);
        using var friendApi = friend.Api(Chat);
        await ApiClient.ReadAsync<JsonElement>(await aliceApi.PutAsync($"/api/conversations/{group}/members/{friend.Id}/role", new { role = "admin" }));
        await ApiClient.ReadAsync<JsonElement>(await friendApi.PostAsync($"/api/conversations/{group}/members", new { userId = other.Id }));
        Assert.Equal(HttpStatusCode.NoContent, (await aliceApi.DeleteAsync($"/api/conversations/{group}/members/{other.Id}")).StatusCode);
        Assert.Equal("invitation_not_found", (await ApiClient.ReadProblemAsync(await otherApi.PostAsync($"/api/invitations/{group}"), HttpStatusCode.NotFound)).GetProperty("code").GetString());
    }
}
