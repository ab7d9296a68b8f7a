using System.Net;
using System.Text.Json;

namespace Chat.Tests.Infrastructure;

public static class Conversations
{
    /// <summary>
    /// The direct conversation of two users, ready to use both ways: two fresh test users share no conversation,
    /// so it starts as a message request, which <paramref name="to"/> accepts.
    /// </summary>
    public static async Task<Guid> DirectAsync(ChatApp chat, TestUser from, TestUser to)
    {
        var (id, request) = await DirectRequestAsync(chat, from, to);
        if (request == "sent")
        {
            using var api = to.Api(chat);
            await ApiClient.ReadAsync<JsonElement>(await api.PostAsync($"/api/conversations/{id}/accept"));
        }

        return id;
    }

    /// <summary>Opens the direct conversation as <paramref name="from"/>; its <c>request</c> field as they see it.</summary>
    public static async Task<(Guid Id, string? Request)> DirectRequestAsync(ChatApp chat, TestUser from, TestUser to)
    {
        using var api = from.Api(chat);
        var response = await api.PostAsync("/api/conversations", new { kind = "direct", userId = to.Id });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{(int)response.StatusCode}");
        var conversation = await ApiClient.ReadAsync<JsonElement>(response, response.StatusCode);
        return (conversation.GetProperty("id").GetGuid(), conversation.GetProperty("request").GetString());
    }

    /// <summary>
    /// A group of the owner and the members, all members from its first seq: each member is first made known to the
    /// owner (<see cref="AcquaintAsync"/>), so that nobody is merely invited and no join event precedes the test's own.
    /// </summary>
    public static async Task<Guid> GroupAsync(ChatApp chat, TestUser owner, IEnumerable<TestUser> members, string title = "Test group")
    {
        var everyone = members.ToList();
        foreach (var member in everyone)
        {
            await AcquaintAsync(chat, owner, member);
        }

        using var api = owner.Api(chat);
        var created = await ApiClient.ReadAsync<JsonElement>(
            await api.PostAsync("/api/conversations", new { kind = "group", title, memberIds = everyone.Select(m => m.Id) }), HttpStatusCode.Created);
        Assert.Empty(created.GetProperty("invited").EnumerateArray());
        return created.GetProperty("id").GetGuid();
    }

    /// <summary>
    /// Takes up what a stranger started, as the user of <paramref name="api"/>: an invitation to the group is
    /// accepted, a message request too; a conversation the user is already in is left as it is.
    /// </summary>
    public static async Task AnswerAsync(ApiClient api, Guid conversationId)
    {
        var invitations = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync("/api/invitations"));
        var invited = invitations.EnumerateArray().Any(i => i.GetProperty("conversationId").GetGuid() == conversationId);
        await ApiClient.ReadAsync<JsonElement>(await api.PostAsync(invited ? $"/api/invitations/{conversationId}" : $"/api/conversations/{conversationId}/accept"));
    }

    /// <summary>Makes two users known to each other (a direct conversation, accepted), so that neither is a stranger to the other.</summary>
    public static Task AcquaintAsync(ChatApp chat, TestUser a, TestUser b) => DirectAsync(chat, a, b);

    /// <summary>One conversation as the user of <paramref name="api"/> sees it.</summary>
    public static async Task<JsonElement> GetAsync(ApiClient api, Guid conversation) =>
        await ApiClient.ReadAsync<JsonElement>(await api.GetAsync($"/api/conversations/{conversation}"));

    /// <summary>The ids in the user's conversation list (one page of 200), with <paramref name="query"/> appended (e.g. "&amp;hidden=true").</summary>
    public static async Task<List<Guid>> ListedAsync(ApiClient api, string query = "")
    {
        var page = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync($"/api/conversations?limit=200{query}"));
        return page.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();
    }
}
