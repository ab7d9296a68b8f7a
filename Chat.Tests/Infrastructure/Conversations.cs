using System.Net;
using System.Text.Json;

namespace Chat.Tests.Infrastructure;

public static class Conversations
{
    public static async Task<Guid> DirectAsync(ChatApp chat, TestUser from, TestUser to)
    {
        using var api = from.Api(chat);
        var response = await api.PostAsync("/api/conversations", new { kind = "direct", userId = to.Id });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK);
        return (await ApiClient.ReadAsync<JsonElement>(response, response.StatusCode)).GetProperty("id").GetGuid();
    }

    public static async Task<Guid> GroupAsync(ChatApp chat, TestUser owner, IEnumerable<TestUser> members, string title = "Test group")
    {
        using var api = owner.Api(chat);
        var created = await ApiClient.ReadAsync<JsonElement>(
            await api.PostAsync("/api/conversations", new { kind = "group", title, memberIds = members.Select(m => m.Id) }), HttpStatusCode.Created);
        return created.GetProperty("id").GetGuid();
    }
}
