using System.Net;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Messages;

/// <summary>A member who was removed sees the conversation as it was at removal, and nothing that happened since.</summary>
public sealed class RemovedMemberPrivacyTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_removed_member_sees_messages_as_they_were_at_removal_and_no_later_positions()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var dave = await TestUser.RegisterAsync(Chat);
        var group = await Conversations.GroupAsync(Chat, alice, [bob, carol]);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var carolClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], carol.Tokens.AccessToken);

        var editedBefore = await aliceClient.SendAsync(group, "first words");
        await Edit(aliceClient, group, editedBefore.MessageId, "edited before removal");
        var editedAfter = await aliceClient.SendAsync(group, "as bob saw it");
        var deletedAfter = await aliceClient.SendAsync(group, "erased for everyone");

        using var aliceApi = alice.Api(Chat);
        Assert.Equal(HttpStatusCode.NoContent, (await aliceApi.DeleteAsync($"/api/conversations/{group}/members/{bob.Id}")).StatusCode);

        await Edit(aliceClient, group, editedBefore.MessageId, "edited after removal");
        await Edit(aliceClient, group, editedAfter.MessageId, "changed after removal");
        await aliceClient.Connection.InvokeAsync<MessageAck>("DeleteMessage",
            new { conversationId = group, messageId = deletedAfter.MessageId }, TestContext.Current.CancellationToken);
        await aliceClient.SendAsync(group, "after removal");
        await Conversations.AcquaintAsync(Chat, alice, dave);
        Assert.Equal(HttpStatusCode.OK, (await aliceApi.PostAsync($"/api/conversations/{group}/members", new { userId = dave.Id })).StatusCode);
        await carolClient.Connection.InvokeAsync<long>("MarkRead", new { conversationId = group, seq = 8 }, TestContext.Current.CancellationToken);

        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        var sync = await bobClient.SyncAsync([(group, 0)]);
        Assert.Equal([1, 2, 3, 4, 5], sync.Messages.Select(m => m.Seq));
        Assert.Equal(("memberRemoved", bob.Id), (sync.Messages[^1].Kind, sync.Messages[^1].MemberId!.Value));
        Assert.Equal("edited before removal", sync.Messages.Single(m => m.MessageId == editedBefore.MessageId).Content);
        Assert.Equal("as bob saw it", sync.Messages.Single(m => m.MessageId == editedAfter.MessageId).Content);
        Assert.Null(sync.Messages.Single(m => m.MessageId == deletedAfter.MessageId).Content);
        Assert.Empty(sync.Positions);

        using var bobApi = bob.Api(Chat);
        var history = await ApiClient.ReadAsync<JsonElement>(await bobApi.GetAsync($"/api/conversations/{group}/messages?afterSeq=0"));
        var contents = history.GetProperty("messages").EnumerateArray()
            .ToDictionary(m => m.GetProperty("messageId").GetGuid(), m => m.GetProperty("content").GetString());
        Assert.Equal("edited before removal", contents[editedBefore.MessageId]);
        Assert.Equal("as bob saw it", contents[editedAfter.MessageId]);
        Assert.Null(contents[deletedAfter.MessageId]);
        Assert.Equal(5, contents.Count);

        var list = await ApiClient.ReadAsync<JsonElement>(await bobApi.GetAsync("/api/conversations"));
        Assert.DoesNotContain(list.GetProperty("conversations").EnumerateArray(), c => c.GetProperty("id").GetGuid() == group);

        // The members who stayed see the latest.
        var carolSync = await carolClient.SyncAsync([(group, 0)]);
        Assert.Equal("edited after removal", carolSync.Messages.Single(m => m.MessageId == editedBefore.MessageId).Content);
        Assert.Equal("changed after removal", carolSync.Messages.Single(m => m.MessageId == editedAfter.MessageId).Content);
        Assert.Contains(carolSync.Positions, p => p.UserId == alice.Id);
    }

    private static Task<MessageAck> Edit(ChatClient client, Guid conversationId, Guid messageId, string content) =>
        client.Connection.InvokeAsync<MessageAck>("EditMessage", new { conversationId, messageId, content }, TestContext.Current.CancellationToken);
}
