using System.Net;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Messages;

/// <summary>
/// Characters PostgreSQL cannot store (NUL) or that hide and reorder what others read (controls, bidirectional
/// overrides) get a clear refusal naming the field, over the hub and REST, instead of a server error.
/// </summary>
public sealed class ControlCharacterTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Content_with_nul_is_refused_over_the_hub_and_rest_and_nothing_is_stored()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var client = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);

        var refused = await Assert.ThrowsAsync<HubException>(() => client.SendAsync(conversation, "before\0after"));
        Assert.StartsWith("invalid_argument: content", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HubException>(() => client.SendAsync(conversation, "fine", clientMessageId: "id\u0001"));

        using var api = alice.Api(Chat);
        var problem = await ApiClient.ReadProblemAsync(
            await api.PostAsync($"/api/conversations/{conversation}/messages", new { clientMessageId = "rest-nul", content = "x\0" }), HttpStatusCode.BadRequest);
        Assert.Equal("invalid_argument", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("content", out _), problem.ToString());

        // Line breaks and tabs are content like any other, and nothing refused took a seq.
        var ack = await client.SendAsync(conversation, "line one\nline two\ttabbed");
        Assert.Equal(1, ack.Seq);
    }

    [Fact]
    public async Task Names_people_read_refuse_control_and_formatting_characters()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        using var api = alice.Api(Chat);

        var title = await ApiClient.ReadProblemAsync(
            await api.PostAsync("/api/conversations", new { kind = "group", title = "evil\u202Etxt.exe", memberIds = new[] { bob.Id } }), HttpStatusCode.BadRequest);
        Assert.True(title.GetProperty("errors").TryGetProperty("Title", out _) || title.GetProperty("errors").TryGetProperty("title", out _), title.ToString());

        using var anonymous = new ApiClient(Chat);
        var register = await ApiClient.ReadProblemAsync(await anonymous.PostAsync("/api/auth/register",
            new { username = TestUser.UniqueName(), password = "correct horse battery", displayName = "nul\0name" }), HttpStatusCode.BadRequest);
        Assert.Contains("DisplayName", register.GetProperty("errors").ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
