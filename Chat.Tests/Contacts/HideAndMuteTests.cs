using System.Net;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Contacts;

/// <summary>What one member decides for themself: a hidden conversation returns with news, a muted one pushes nothing but still counts.</summary>
public sealed class HideAndMuteTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_hidden_conversation_comes_back_when_a_message_arrives_and_a_muted_one_counts_unread_without_pushing()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        var bobPhone = await PushDevices.RegisterAsync(Chat, await bob.LoginAsync(Chat, "phone"), "android", PushDevices.Token("mute"));
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        using var bobApi = bob.Api(Chat);
        await aliceClient.SendAsync(conversation, "first");
        await PushDevices.WaitForPushesAsync(Chat, bobPhone, 1);

        Assert.Equal(HttpStatusCode.NoContent, (await bobApi.PutAsync($"/api/conversations/{conversation}/hidden", new { })).StatusCode);
        Assert.DoesNotContain(conversation, await Conversations.ListedAsync(bobApi, ""));
        Assert.True((await Conversations.GetAsync(bobApi, conversation)).GetProperty("hidden").GetBoolean());
        Assert.Contains(conversation, await Conversations.ListedAsync(bobApi, "&hidden=true"));

        var muted = await ApiClient.ReadAsync<JsonElement>(await bobApi.PutAsync($"/api/conversations/{conversation}/muted", new { }));
        Assert.True(muted.GetProperty("mutedUntil").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddYears(100));
        await ApiClient.ReadProblemAsync(await bobApi.PutAsync($"/api/conversations/{conversation}/muted", new { until = DateTimeOffset.UtcNow.AddMinutes(-1) }), HttpStatusCode.BadRequest);
        await aliceClient.SendAsync(conversation, "second, while muted");
        await aliceClient.SendAsync(conversation, "third, while muted");

        // Back in the list with the news, unread counted, and no push for either.
        var listed = await Conversations.GetAsync(bobApi, conversation);
        Assert.False(listed.GetProperty("hidden").GetBoolean());
        Assert.Contains(conversation, await Conversations.ListedAsync(bobApi, ""));
        Assert.Equal(3, listed.GetProperty("unreadCount").GetInt64());
        await Task.Delay(2000, TestContext.Current.CancellationToken);
        Assert.Single(Chat.Fcm.For(bobPhone));

        Assert.Equal(HttpStatusCode.NoContent, (await bobApi.DeleteAsync($"/api/conversations/{conversation}/muted")).StatusCode);
        Assert.Equal(JsonValueKind.Null, (await Conversations.GetAsync(bobApi, conversation)).GetProperty("mutedUntil").ValueKind);
        await aliceClient.SendAsync(conversation, "fourth, unmuted");
        await PushDevices.WaitForPushesAsync(Chat, bobPhone, 2);

        // Hiding and unhiding by hand; what is not yours answers 404.
        Assert.Equal(HttpStatusCode.NoContent, (await bobApi.PutAsync($"/api/conversations/{conversation}/hidden", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await bobApi.DeleteAsync($"/api/conversations/{conversation}/hidden")).StatusCode);
        Assert.Contains(conversation, await Conversations.ListedAsync(bobApi, ""));
        await ApiClient.ReadProblemAsync(await bobApi.PutAsync($"/api/conversations/{Guid.NewGuid()}/hidden", new { }), HttpStatusCode.NotFound);
    }
}
