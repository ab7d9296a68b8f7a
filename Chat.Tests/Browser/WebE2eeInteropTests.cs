using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Chat.Tests.E2ee;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// The web app (WebCrypto) and Chat.Client (.NET) in one encrypted conversation, through the real system: each
/// reads what the other sends, and the server holds only ciphertext.
/// </summary>
[Trait("Category", "Browser")]
[Collection(nameof(BrowserSession))]
public sealed class WebE2eeInteropTests(ChatApp chat, BrowserSession browser) : DistributedTest(chat)
{
    [Fact]
    public async Task A_browser_and_a_dotnet_client_read_each_other_s_encrypted_messages()
    {
        var alice = await TestUser.RegisterAsync(Chat, displayName: "Alice Liddell");
        await using var context = await browser.Browser.NewContextAsync();
        var tab = await ChatPage.OpenAsync(context, Chat.App.GetEndpoint("web", "http"));
        await tab.SignInAsync(alice); // publishes the browser device's keys

        await using var dotnet = await Party.RegisterAsync(Chat, Chat.RealtimeNodes[1]);
        using var rest = await dotnet.RestAsync();
        var created = await ApiClient.ReadAsync<JsonElement>(
            await rest.PostAsync("/api/conversations", new { kind = "direct", userId = alice.Id }), HttpStatusCode.Created);
        var conversationId = created.GetProperty("id").GetGuid();
        using (var aliceRest = alice.Api(Chat))
        {
            await Conversations.AnswerAsync(aliceRest, conversationId);
        }
        var dotnetName = (await ApiClient.ReadAsync<JsonElement>(await rest.GetAsync($"/api/users/{dotnet.UserId}"))).GetProperty("displayName").GetString()!;

        // Garbage from a member's device (not even base64) must not hold up the envelopes after it.
        var browserDevice = await tab.SessionValueAsync("deviceId");
        Assert.Equal(HttpStatusCode.OK, (await rest.PostAsync("/api/devices/current/messages", new
        {
            clientMessageId = "garbage",
            envelopes = new[] { new { userId = alice.Id, deviceId = Guid.Parse(browserDevice), ciphertext = "AAAAA" } },
        })).StatusCode);

        await dotnet.SendAsync(conversationId, "sealed in .NET");
        await tab.OpenConversationAsync(dotnetName);
        await Expect(tab.Message("sealed in .NET")).ToBeVisibleAsync();
        await Expect(tab.Message("sealed in .NET")).Not.ToContainTextAsync("not encrypted");

        await tab.SendAsync("sealed in the browser");
        await dotnet.WaitForAsync(p => p.Received.Any(m => m.Text == "sealed in the browser" && m.SenderId == alice.Id), "the browser's message");
        await dotnet.SendAsync(conversationId, "and back again");
        await Expect(tab.Message("and back again")).ToBeVisibleAsync();
        Assert.Empty(dotnet.Refused);

        // A message key works once: after a reload the tab shows what it read (and sent) from its own store.
        await tab.Page.ReloadAsync();
        await tab.OpenConversationAsync(dotnetName);
        await Expect(tab.Messages).ToHaveCountAsync(3);
        Assert.Equal(["sealed in .NET", "sealed in the browser", "and back again"], await tab.Messages.Locator(".content").AllInnerTextsAsync());

        var history = await ApiClient.ReadAsync<JsonElement>(await rest.GetAsync($"/api/conversations/{conversationId}/messages?afterSeq=0"));
        var stored = history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()).ToList();
        Assert.Equal(3, stored.Count);
        Assert.All(stored, content => Assert.DoesNotContain("sealed", content));
        Assert.All(stored, content => Assert.Equal([1, 4], Base64Url.DecodeFromChars(content)[..2])); // version 1, type 4: a tagged group message
    }
}
