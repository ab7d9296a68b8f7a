using System.Net;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Messages;

public sealed class ConversationRulesTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_direct_conversation_is_created_once_per_pair()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        using var aliceApi = alice.Api(Chat);
        using var bobApi = bob.Api(Chat);

        var created = await aliceApi.PostAsync("/api/conversations", new { kind = "direct", userId = bob.Id });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var again = await bobApi.PostAsync("/api/conversations", new { kind = "direct", userId = alice.Id });
        var first = await ApiClient.ReadAsync<JsonElement>(created, HttpStatusCode.Created);
        var second = await ApiClient.ReadAsync<JsonElement>(again);
        Assert.Equal(first.GetProperty("id").GetGuid(), second.GetProperty("id").GetGuid());
        Assert.Equal(2, second.GetProperty("members").GetArrayLength());

        await ApiClient.ReadProblemAsync(await aliceApi.PostAsync("/api/conversations", new { kind = "direct", userId = alice.Id }), HttpStatusCode.BadRequest);
        await ApiClient.ReadProblemAsync(await aliceApi.PostAsync("/api/conversations", new { kind = "direct", userId = Guid.NewGuid() }), HttpStatusCode.BadRequest);
        await ApiClient.ReadProblemAsync(await aliceApi.PostAsync("/api/conversations", new { kind = "channel" }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_group_holds_at_most_a_thousand_members()
    {
        var owner = await TestUser.RegisterAsync(Chat);
        using var api = owner.Api(Chat);
        var tooMany = Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid());
        var problem = await ApiClient.ReadProblemAsync(
            await api.PostAsync("/api/conversations", new { kind = "group", title = "crowd", memberIds = tooMany }), HttpStatusCode.BadRequest);
        Assert.Contains("1000", problem.GetProperty("errors").GetProperty("memberIds")[0].GetString());
    }

    [Fact]
    public async Task Owners_and_admins_manage_members_anyone_may_leave_and_a_leaver_sees_nothing_after()
    {
        var owner = await TestUser.RegisterAsync(Chat);
        var member = await TestUser.RegisterAsync(Chat);
        var newcomer = await TestUser.RegisterAsync(Chat);
        var group = await Conversations.GroupAsync(Chat, owner, [member]);
        using var ownerApi = owner.Api(Chat);
        using var memberApi = member.Api(Chat);
        using var newcomerApi = newcomer.Api(Chat);

        await ApiClient.ReadProblemAsync(await memberApi.PostAsync($"/api/conversations/{group}/members", new { userId = newcomer.Id }), HttpStatusCode.Forbidden);
        await ApiClient.ReadProblemAsync(await memberApi.PatchAsync($"/api/conversations/{group}", new { title = "mine now" }), HttpStatusCode.Forbidden);
        await ApiClient.ReadProblemAsync(await memberApi.DeleteAsync($"/api/conversations/{group}/members/{owner.Id}"), HttpStatusCode.Forbidden);
        await ApiClient.ReadProblemAsync(await newcomerApi.PatchAsync($"/api/conversations/{group}", new { title = "hello" }), HttpStatusCode.NotFound);

        var renamed = await ApiClient.ReadAsync<JsonElement>(await ownerApi.PatchAsync($"/api/conversations/{group}", new { title = "Renamed" }));
        Assert.Equal("Renamed", renamed.GetProperty("title").GetString());
        await Conversations.AcquaintAsync(Chat, owner, newcomer);
        var added = await ApiClient.ReadAsync<JsonElement>(await ownerApi.PostAsync($"/api/conversations/{group}/members", new { userId = newcomer.Id }));
        Assert.Equal(3, added.GetProperty("members").GetArrayLength());

        Assert.Equal(HttpStatusCode.Created, (await ownerApi.PostAsync($"/api/conversations/{group}/messages", new { clientMessageId = "before", content = "before" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await memberApi.DeleteAsync($"/api/conversations/{group}/members/{member.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ownerApi.PostAsync($"/api/conversations/{group}/messages", new { clientMessageId = "after", content = "after" })).StatusCode);

        var leaverHistory = await ApiClient.ReadAsync<JsonElement>(await memberApi.GetAsync($"/api/conversations/{group}/messages"));
        Assert.Equal([("memberAdded", null), ("text", "before"), ("memberLeft", null)], leaverHistory.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("kind").GetString(), m.GetProperty("content").GetString())));
        await ApiClient.ReadProblemAsync(await memberApi.PostAsync($"/api/conversations/{group}/messages", new { clientMessageId = "x", content = "still here?" }), HttpStatusCode.Forbidden);

        var newcomerHistory = await ApiClient.ReadAsync<JsonElement>(await newcomerApi.GetAsync($"/api/conversations/{group}/messages"));
        Assert.Equal(["before", "after"], newcomerHistory.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("kind").GetString() == "text").Select(m => m.GetProperty("content").GetString()));
    }

    [Fact]
    public async Task History_pages_both_ways_and_rejects_bad_limits()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var stranger = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        using var api = alice.Api(Chat);
        for (var i = 1; i <= 5; i++)
        {
            var ack = await ApiClient.ReadAsync<JsonElement>(await api.PostAsync($"/api/conversations/{conversation}/messages", new { clientMessageId = $"c{i}", content = $"m{i}" }), HttpStatusCode.Created);
            Assert.Equal(i, ack.GetProperty("seq").GetInt64());
        }

        var resent = await ApiClient.ReadAsync<JsonElement>(await api.PostAsync($"/api/conversations/{conversation}/messages", new { clientMessageId = "c1", content = "m1" }), HttpStatusCode.Created);
        Assert.Equal(1, resent.GetProperty("seq").GetInt64());

        var newest = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync($"/api/conversations/{conversation}/messages?beforeSeq=6&limit=2"));
        Assert.Equal([4L, 5L], newest.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()));
        Assert.True(newest.GetProperty("hasMore").GetBoolean());
        var after = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync($"/api/conversations/{conversation}/messages?afterSeq=3"));
        Assert.Equal([4L, 5L], after.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()));
        Assert.False(after.GetProperty("hasMore").GetBoolean());

        await ApiClient.ReadProblemAsync(await api.GetAsync($"/api/conversations/{conversation}/messages?limit=201"), HttpStatusCode.BadRequest);
        await ApiClient.ReadProblemAsync(await api.PostAsync($"/api/conversations/{conversation}/messages", new { clientMessageId = "big", content = new string('x', 64 * 1024 + 1) }), HttpStatusCode.BadRequest);
        using var strangerApi = stranger.Api(Chat);
        await ApiClient.ReadProblemAsync(await strangerApi.GetAsync($"/api/conversations/{conversation}/messages"), HttpStatusCode.NotFound);
        await ApiClient.ReadProblemAsync(await strangerApi.PostAsync($"/api/conversations/{conversation}/messages", new { clientMessageId = "s", content = "hi" }), HttpStatusCode.Forbidden);
        await ApiClient.ReadProblemAsync(await strangerApi.PostAsync($"/api/conversations/{Guid.NewGuid()}/messages", new { clientMessageId = "s", content = "hi" }), HttpStatusCode.NotFound);
    }
}
