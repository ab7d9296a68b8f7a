using System.Net;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Messages;

/// <summary>Who joins and leaves a group is part of its sequence: every member, the one leaving too, learns it in order.</summary>
public sealed class MembershipEventTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Adding_removing_and_leaving_are_sequenced_events_that_every_member_gets_live_and_by_sync()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var dave = await TestUser.RegisterAsync(Chat);
        var group = await Conversations.GroupAsync(Chat, alice, [bob, carol]);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await using var carolClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], carol.Tokens.AccessToken);

        await Conversations.AcquaintAsync(Chat, alice, dave);
        using var aliceApi = alice.Api(Chat);
        Assert.Equal(HttpStatusCode.OK, (await aliceApi.PostAsync($"/api/conversations/{group}/members", new { userId = dave.Id })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await aliceApi.PostAsync($"/api/conversations/{group}/members", new { userId = dave.Id })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await aliceApi.DeleteAsync($"/api/conversations/{group}/members/{carol.Id}")).StatusCode);
        using var bobApi = bob.Api(Chat);
        Assert.Equal(HttpStatusCode.NoContent, (await bobApi.DeleteAsync($"/api/conversations/{group}/members/{bob.Id}")).StatusCode);
        await Assert.ThrowsAsync<HubException>(() => bobClient.SendAsync(group, "after leaving"));
        await aliceApi.PostAsync($"/api/conversations/{group}/messages", new { clientMessageId = "after", content = "to those still here" });

        List<(long, string, Guid, Guid?)> expected =
        [
            (1, "memberAdded", alice.Id, dave.Id),
            (2, "memberRemoved", alice.Id, carol.Id),
            (3, "memberLeft", bob.Id, bob.Id),
        ];
        await Eventually.HoldsAsync(() => bobClient.Messages.Count >= 3, TimeSpan.FromSeconds(10), () => $"{bobClient.Messages.Count} live event(s)");
        Assert.Equal(expected, bobClient.Messages.Select(m => (m.Seq, m.Kind, m.SenderId, m.MemberId)));
        await Eventually.HoldsAsync(() => carolClient.Messages.Count >= 2, TimeSpan.FromSeconds(10), () => $"{carolClient.Messages.Count} live event(s)");

        Assert.Equal(expected.Take(2), await HistoryAsync(carol, group));
        Assert.Equal(expected, await HistoryAsync(bob, group));
        var daveSees = await HistoryAsync(dave, group);
        Assert.Equal(expected.Append((4, "text", alice.Id, null)), daveSees);
        Assert.Equal(expected.Take(2), carolClient.Messages.Select(m => (m.Seq, m.Kind, m.SenderId, m.MemberId)));

        var conversation = await ApiClient.ReadAsync<JsonElement>(await aliceApi.GetAsync("/api/conversations?limit=50"));
        var listed = conversation.GetProperty("conversations").EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == group);
        Assert.Equal("to those still here", listed.GetProperty("lastMessage").GetProperty("content").GetString());
    }

    private async Task<(long, string, Guid, Guid?)[]> HistoryAsync(TestUser user, Guid conversation)
    {
        using var api = user.Api(Chat);
        var page = await ApiClient.ReadAsync<MessagePageJson>(await api.GetAsync($"/api/conversations/{conversation}/messages?afterSeq=0"));
        return page.Messages.Select(m => (m.Seq, m.Kind, m.SenderId, m.MemberId)).ToArray();
    }

    private sealed record MessagePageJson(List<MessageEvent> Messages, bool HasMore);
}
