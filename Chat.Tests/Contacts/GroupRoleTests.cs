using System.Net;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using Chat.Tests.Messages;

namespace Chat.Tests.Contacts;

/// <summary>Roles change hands as sequenced events that every member sees, live on either node and by Sync.</summary>
public sealed class GroupRoleTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task The_owner_promotes_demotes_and_hands_on_ownership_and_each_change_is_an_event_every_member_gets()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var group = await Conversations.GroupAsync(Chat, alice, [bob, carol]);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await using var carolClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], carol.Tokens.AccessToken);
        var start = (await bobClient.SyncAsync([(group, 0)])).Messages.Select(m => m.Seq).DefaultIfEmpty().Max();
        using var aliceApi = alice.Api(Chat);
        using var bobApi = bob.Api(Chat);
        using var carolApi = carol.Api(Chat);

        // Only the owner changes roles.
        Assert.Equal("not_owner", await RefusalAsync(await carolApi.PutAsync($"/api/conversations/{group}/members/{bob.Id}/role", new { role = "admin" }), HttpStatusCode.Forbidden));
        var promoted = await ApiClient.ReadAsync<JsonElement>(await aliceApi.PutAsync($"/api/conversations/{group}/members/{bob.Id}/role", new { role = "admin" }));
        Assert.Equal("admin", RoleOf(promoted, bob.Id));
        Assert.Equal("not_owner", await RefusalAsync(await bobApi.PutAsync($"/api/conversations/{group}/members/{carol.Id}/role", new { role = "admin" }), HttpStatusCode.Forbidden));
        Assert.Equal("invalid_argument", await RefusalAsync(await aliceApi.PutAsync($"/api/conversations/{group}/members/{alice.Id}/role", new { role = "member" }), HttpStatusCode.BadRequest));
        await ApiClient.ReadProblemAsync(await aliceApi.PutAsync($"/api/conversations/{group}/members/{bob.Id}/role", new { role = "owner" }), HttpStatusCode.BadRequest);
        Assert.Equal("member_not_found", await RefusalAsync(await aliceApi.PutAsync($"/api/conversations/{group}/members/{Guid.NewGuid()}/role", new { role = "admin" }), HttpStatusCode.NotFound));

        // Promoting again changes nothing and records nothing; demoting does.
        await ApiClient.ReadAsync<JsonElement>(await aliceApi.PutAsync($"/api/conversations/{group}/members/{bob.Id}/role", new { role = "admin" }));
        await ApiClient.ReadAsync<JsonElement>(await aliceApi.PutAsync($"/api/conversations/{group}/members/{carol.Id}/role", new { role = "admin" }));
        await ApiClient.ReadAsync<JsonElement>(await aliceApi.PutAsync($"/api/conversations/{group}/members/{carol.Id}/role", new { role = "member" }));

        var transferred = await ApiClient.ReadAsync<JsonElement>(await aliceApi.PostAsync($"/api/conversations/{group}/owner", new { userId = carol.Id }));
        Assert.Equal("owner", RoleOf(transferred, carol.Id));
        Assert.Equal("admin", RoleOf(transferred, alice.Id));
        Assert.Equal("not_owner", await RefusalAsync(await aliceApi.PostAsync($"/api/conversations/{group}/owner", new { userId = bob.Id }), HttpStatusCode.Forbidden));

        List<(long, string, Guid, Guid?, string?)> expected =
        [
            (start + 1, "roleChanged", alice.Id, bob.Id, "admin"),
            (start + 2, "roleChanged", alice.Id, carol.Id, "admin"),
            (start + 3, "roleChanged", alice.Id, carol.Id, "member"),
            (start + 4, "roleChanged", alice.Id, carol.Id, "owner"),
            (start + 5, "roleChanged", alice.Id, alice.Id, "admin"),
        ];
        foreach (var client in new[] { bobClient, carolClient })
        {
            await client.WaitUntilAsync(c => c.MessagesIn(group).Count >= expected.Count);
            Assert.Equal(expected, client.MessagesIn(group).Select(m => (m.Seq, m.Kind, m.SenderId, m.MemberId, m.Content)));
        }

        var synced = await carolClient.SyncAsync([(group, start)]);
        Assert.Equal(expected, synced.Messages.Select(m => (m.Seq, m.Kind, m.SenderId, m.MemberId, m.Content)));
    }

    [Fact]
    public async Task The_last_owner_leaving_hands_the_group_to_the_longest_standing_admin_or_else_member()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var dave = await TestUser.RegisterAsync(Chat);
        var group = await Conversations.GroupAsync(Chat, alice, [bob, carol, dave]);
        await using var daveClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], dave.Tokens.AccessToken);
        using var aliceApi = alice.Api(Chat);
        await ApiClient.ReadAsync<JsonElement>(await aliceApi.PutAsync($"/api/conversations/{group}/members/{dave.Id}/role", new { role = "admin" }));

        // Alice leaves: Dave, the only admin, is the heir though Bob has been a member longer.
        Assert.Equal(HttpStatusCode.NoContent, (await aliceApi.DeleteAsync($"/api/conversations/{group}/members/{alice.Id}")).StatusCode);
        using var daveApi = dave.Api(Chat);
        var afterAlice = await ApiClient.ReadAsync<JsonElement>(await daveApi.GetAsync($"/api/conversations/{group}"));
        Assert.Equal("owner", RoleOf(afterAlice, dave.Id));
        await daveClient.WaitUntilAsync(c => c.MessagesIn(group).Any(m => m.Kind == "roleChanged" && m.MemberId == dave.Id && m.Content == "owner"));
        var left = daveClient.MessagesIn(group).Single(m => m.Kind == "memberLeft");
        Assert.Equal(left.Seq + 1, daveClient.MessagesIn(group).Single(m => m.Kind == "roleChanged" && m.Content == "owner").Seq);

        // Dave leaves with no admin left: the longest-standing member, Bob, joined before Carol.
        Assert.Equal(HttpStatusCode.NoContent, (await daveApi.DeleteAsync($"/api/conversations/{group}/members/{dave.Id}")).StatusCode);
        using var carolApi = carol.Api(Chat);
        var afterDave = await ApiClient.ReadAsync<JsonElement>(await carolApi.GetAsync($"/api/conversations/{group}"));
        Assert.Equal("owner", RoleOf(afterDave, bob.Id));
        Assert.Equal("member", RoleOf(afterDave, carol.Id));
        Assert.Equal(1, afterDave.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("role").GetString() == "owner"));
    }

    private static string RoleOf(JsonElement conversation, Guid userId) =>
        conversation.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("userId").GetGuid() == userId).GetProperty("role").GetString()!;

    private static async Task<string> RefusalAsync(HttpResponseMessage response, HttpStatusCode status) =>
        (await ApiClient.ReadProblemAsync(response, status)).GetProperty("code").GetString()!;
}
