using System.Net;
using Aspire.Hosting.Testing;
using Chat.Tests.Infrastructure;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// The browser client (Chat.Web) in headless Chromium against the real AppHost: people in separate browser
/// contexts chat through the web app's own origin, which forwards to the API and the realtime nodes.
/// </summary>
[Trait("Category", "Browser")]
[Collection(nameof(BrowserSession))]
public sealed class WebClientTests(ChatApp chat, BrowserSession browser) : DistributedTest(chat)
{
    private readonly List<IBrowserContext> _contexts = [];

    private Uri Web => Chat.App.GetEndpoint("web", "http");

    [Fact]
    public async Task Two_people_chat_both_ways_with_ticks_and_typing()
    {
        var bob = await RegisterAsync("Bob Dylan");
        var alice = await OpenAsync();
        var aliceName = TestUser.UniqueName("alice");
        await alice.ScreenshotAsync("login");
        await alice.SignUpAsync(aliceName, "Alice Liddell", "correct horse battery");
        var bobTab = await SignedInAsync(bob);

        // They have not met: Alice's first message is a request. Bob's tab has it, unread, but a request tells Alice nothing.
        await alice.StartDirectAsync(bob, "Bob Dylan");
        await alice.SendAsync("Hello Bob");
        await Expect(bobTab.Conversation("Alice Liddell").Locator(".unread")).ToHaveTextAsync("1");
        await bobTab.OpenConversationAsync("Alice Liddell");
        await Expect(bobTab.Conversation("Alice Liddell").Locator(".unread")).ToHaveCountAsync(0);
        await Expect(bobTab.MessageBox).ToHaveCountAsync(0);
        await Expect(alice.Message("Hello Bob")).ToHaveAttributeAsync("data-status", "sent");

        // Accepted: Alice learns that Bob read it, and Bob may reply.
        await bobTab.AnswerRequestAsync("Accept");
        await Expect(alice.Message("Hello Bob")).ToHaveAttributeAsync("data-status", "read");
        await bobTab.MessageBox.FillAsync("Hi Al");
        await Expect(alice.Subtitle).ToHaveTextAsync($"Bob Dylan is typing…");
        await bobTab.MessageBox.PressAsync("Enter");
        await Expect(alice.Message("Hi Al")).ToBeVisibleAsync();
        await Expect(bobTab.Message("Hi Al")).ToHaveAttributeAsync("data-status", "read");
        await Expect(alice.Subtitle).ToHaveTextAsync("Online");
        await alice.ScreenshotAsync("chat");

        // Each line once, in order, on both sides.
        string[] expected = ["Hello Bob", "Hi Al"];
        Assert.Equal(expected, await alice.Messages.Locator(".content").AllInnerTextsAsync());
        Assert.Equal(expected, await bobTab.Messages.Locator(".content").AllInnerTextsAsync());
    }

    [Fact]
    public async Task A_tab_that_lost_the_network_shows_everything_sent_meanwhile_once_in_order()
    {
        var (alice, bob) = (await RegisterAsync("Alice Liddell"), await RegisterAsync("Bob Dylan"));
        var conversationId = await Conversations.DirectAsync(Chat, alice, bob);
        using var aliceApi = alice.Api(Chat);
        await SendAsync(aliceApi, conversationId, "before");
        var bobTab = await SignedInAsync(bob);
        await bobTab.OpenConversationAsync("Alice Liddell");
        await Expect(bobTab.Message("before")).ToBeVisibleAsync();

        await bobTab.Page.Context.SetOfflineAsync(true);
        await Expect(bobTab.Status).Not.ToHaveTextAsync("Online");
        var sent = Enumerable.Range(1, 20).Select(i => $"while away {i}").ToList();
        foreach (var text in sent)
        {
            await SendAsync(aliceApi, conversationId, text);
        }

        await bobTab.Page.Context.SetOfflineAsync(false);
        await bobTab.ExpectOnlineAsync();
        await Expect(bobTab.Messages).ToHaveCountAsync(21);
        Assert.Equal(["before", .. sent], await bobTab.Messages.Locator(".content").AllInnerTextsAsync());
    }

    [Fact]
    public async Task An_edit_and_a_delete_show_on_the_other_side()
    {
        var (alice, bob) = (await RegisterAsync("Alice Liddell"), await RegisterAsync("Bob Dylan"));
        var aliceTab = await SignedInAsync(alice);
        var bobTab = await SignedInAsync(bob);
        await aliceTab.StartDirectAsync(bob, "Bob Dylan");
        await aliceTab.SendAsync("see you at 5");
        await aliceTab.SendAsync("bring snacks");
        await bobTab.OpenConversationAsync("Alice Liddell");
        await Expect(bobTab.Message("bring snacks")).ToBeVisibleAsync();

        await aliceTab.Message("see you at 5").GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        await aliceTab.MessageBox.FillAsync("see you at 6");
        await aliceTab.MessageBox.PressAsync("Enter");
        await Expect(bobTab.Message("see you at 6")).ToContainTextAsync("edited");
        await Expect(bobTab.Message("see you at 5")).ToHaveCountAsync(0);

        await aliceTab.Message("bring snacks").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await aliceTab.Message("bring snacks").GetByRole(AriaRole.Button, new() { Name = "Delete for everyone" }).ClickAsync();
        await Expect(bobTab.Message("This message was deleted.")).ToBeVisibleAsync();
        await Expect(bobTab.Message("bring snacks")).ToHaveCountAsync(0);
        await Expect(bobTab.Conversation("Alice Liddell")).ToContainTextAsync("Message deleted");
    }

    [Fact]
    public async Task A_group_of_three_talks_and_its_owner_removes_one()
    {
        var (alice, bob, carol) = (await RegisterAsync("Alice Liddell"), await RegisterAsync("Bob Dylan"), await RegisterAsync("Carol King"));
        var aliceTab = await SignedInAsync(alice);
        var bobTab = await SignedInAsync(bob);
        var carolTab = await SignedInAsync(carol);

        // Strangers to Alice, Bob and Carol are invited and join.
        await aliceTab.StartGroupAsync("Weekend trip", bob, carol);
        await bobTab.JoinAsync("Weekend trip");
        await carolTab.JoinAsync("Weekend trip");
        await Expect(aliceTab.Page.GetByText("Carol King joined")).ToBeVisibleAsync();
        await aliceTab.SendAsync("Who is driving?");
        await Expect(carolTab.Message("Who is driving?")).ToContainTextAsync("Alice Liddell");
        await carolTab.SendAsync("I can drive");
        await Expect(aliceTab.Message("I can drive")).ToContainTextAsync("Carol King");
        await Expect(bobTab.Message("I can drive")).ToBeVisibleAsync();
        await Expect(aliceTab.Message("Who is driving?")).ToHaveAttributeAsync("data-status", "read");
        await aliceTab.ScreenshotAsync("group");

        await aliceTab.Page.GetByRole(AriaRole.Button, new() { Name = "Members" }).ClickAsync();
        await aliceTab.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = $"Remove Carol King" }).ClickAsync();
        await Expect(carolTab.Page.GetByText("You are no longer a member of this conversation.")).ToBeVisibleAsync();
        await Expect(bobTab.Page.GetByText($"Alice Liddell removed Carol King")).ToBeVisibleAsync();
        await aliceTab.Page.Keyboard.PressAsync("Escape");
        await aliceTab.SendAsync("Just us two then");
        await Expect(bobTab.Message("Just us two then")).ToBeVisibleAsync();
        await Expect(carolTab.Message("Just us two then")).ToHaveCountAsync(0);
        await aliceTab.Page.SetViewportSizeAsync(1100, 700);
        await aliceTab.ScreenshotAsync("conversations");
    }

    [Fact]
    public async Task History_pages_back_to_the_first_message()
    {
        var (alice, bob) = (await RegisterAsync("Alice Liddell"), await RegisterAsync("Bob Dylan"));
        var conversationId = await Conversations.DirectAsync(Chat, alice, bob);
        using var aliceApi = alice.Api(Chat);
        var sent = Enumerable.Range(1, 60).Select(i => $"line {i}").ToList(); // within a user's burst of REST calls
        foreach (var text in sent)
        {
            await SendAsync(aliceApi, conversationId, text);
        }

        var bobTab = await SignedInAsync(bob);
        await Expect(bobTab.Conversation("Alice Liddell").Locator(".unread")).ToHaveTextAsync("60");
        await bobTab.OpenConversationAsync("Alice Liddell");
        await Expect(bobTab.Messages).ToHaveCountAsync(50); // the newest page
        await Expect(bobTab.Messages.Last).ToContainTextAsync("line 60");

        // Clicked where it is, not scrolled to first: Playwright's click scrolls the log to its top, where the
        // view loads the earlier page by itself, and the button it waited on was gone (a flaky 30 s timeout).
        var older = bobTab.Page.GetByRole(AriaRole.Button, new() { Name = "Load earlier messages" });
        await older.DispatchEventAsync("click");
        await Expect(bobTab.Messages).ToHaveCountAsync(60);
        await Expect(older).ToHaveCountAsync(0);
        Assert.Equal(sent, await bobTab.Messages.Locator(".content").AllInnerTextsAsync());
    }

    [Fact]
    public async Task A_member_added_later_takes_part_and_one_who_leaves_sees_nothing_new()
    {
        var (alice, bob, carol) = (await RegisterAsync("Alice Liddell"), await RegisterAsync("Bob Dylan"), await RegisterAsync("Carol King"));
        await Conversations.AcquaintAsync(Chat, alice, carol); // so that adding Carol makes her a member, not an invitee
        var aliceTab = await SignedInAsync(alice);
        var carolTab = await SignedInAsync(carol);
        await aliceTab.StartGroupAsync("Book club", bob);

        await aliceTab.Page.GetByRole(AriaRole.Button, new() { Name = "Members" }).ClickAsync();
        var dialog = aliceTab.Page.GetByRole(AriaRole.Dialog);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add people" }).ClickAsync();
        await dialog.GetByLabel("Search people").FillAsync(carol.Username);
        await dialog.GetByRole(AriaRole.List, new() { Name = "People found" }).GetByRole(AriaRole.Button).First.ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.List, new() { Name = "Members" })).ToContainTextAsync("Carol King");
        await aliceTab.Page.Keyboard.PressAsync("Escape");
        await aliceTab.SendAsync("Welcome, Carol");

        await carolTab.OpenConversationAsync("Book club");
        await Expect(carolTab.Message("Welcome, Carol")).ToBeVisibleAsync();
        await carolTab.Page.GetByRole(AriaRole.Button, new() { Name = "Members" }).ClickAsync();
        await carolTab.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Leave group" }).ClickAsync();
        await Expect(carolTab.Conversation("Book club")).ToHaveCountAsync(0);
        await Expect(aliceTab.Page.GetByText("Carol King left")).ToBeVisibleAsync();
        await aliceTab.SendAsync("Carol has gone");
        await Expect(aliceTab.Message("Carol has gone")).ToHaveAttributeAsync("data-status", "sent");
    }

    [Fact]
    public async Task A_strangers_request_can_be_blocked_and_a_strangers_group_joined_from_the_app()
    {
        var (alice, bob, carol) = (await RegisterAsync("Alice Liddell"), await RegisterAsync("Bob Dylan"), await RegisterAsync("Carol King"));
        var aliceTab = await SignedInAsync(alice);
        var bobTab = await SignedInAsync(bob);
        var carolTab = await SignedInAsync(carol);

        await aliceTab.StartDirectAsync(bob, "Bob Dylan");
        await Expect(aliceTab.Page.GetByText("Message request sent")).ToBeVisibleAsync();
        await aliceTab.SendAsync("buy my course");
        await bobTab.OpenConversationAsync("Alice Liddell");
        await Expect(bobTab.Message("buy my course")).ToBeVisibleAsync();
        await Expect(bobTab.Page.GetByRole(AriaRole.Button, new() { Name = "Start voice call" })).ToHaveCountAsync(0);
        await bobTab.AnswerRequestAsync("Block");
        await Expect(bobTab.Conversation("Alice Liddell")).ToHaveCountAsync(0);
        await aliceTab.SendAsync("are you there?");
        await Expect(aliceTab.Page.GetByText("You cannot reach this user.")).ToBeVisibleAsync();

        await aliceTab.StartGroupAsync("Picnic", carol);
        await Expect(carolTab.Invitation("Picnic")).ToContainTextAsync("Alice Liddell invites you");
        await carolTab.JoinAsync("Picnic");
        await Expect(carolTab.Invitation("Picnic")).ToHaveCountAsync(0);
        await aliceTab.SendAsync("welcome to the picnic");
        await Expect(carolTab.Message("welcome to the picnic")).ToBeVisibleAsync();
        await Expect(aliceTab.Page.GetByText("Carol King joined")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Two_tabs_of_one_sign_in_refresh_once_and_both_keep_working()
    {
        var (alice, bob) = (await RegisterAsync("Alice Liddell"), await RegisterAsync("Bob Dylan"));
        var conversationId = await Conversations.DirectAsync(Chat, bob, alice);
        var first = await SignedInAsync(alice);
        var second = await ChatPage.OpenAsync(first.Page.Context, Web);
        await second.ExpectOnlineAsync();
        var deviceId = Guid.Parse(await first.SessionValueAsync("deviceId"));
        Assert.Equal(1, await RefreshTokensOfAsync(deviceId));

        // Both tabs find the access token expired at the same moment: each wants to refresh, and a refresh token
        // works once (using it twice signs the device out). Quiet first, so that no call is cut off by the reload.
        await Task.WhenAll(first.Page.WaitForLoadStateAsync(LoadState.NetworkIdle), second.Page.WaitForLoadStateAsync(LoadState.NetworkIdle));
        await first.Page.EvaluateAsync(ExpireStoredAccessToken);
        await Task.WhenAll(first.Page.ReloadAsync(), second.Page.ReloadAsync());
        await first.ExpectOnlineAsync();
        await second.ExpectOnlineAsync();
        Assert.Equal(2, await RefreshTokensOfAsync(deviceId)); // the first, and one successor: one tab refreshed

        using var bobApi = bob.Api(Chat);
        await SendAsync(bobApi, conversationId, "still there?");
        await first.OpenConversationAsync("Bob Dylan");
        await second.OpenConversationAsync("Bob Dylan");
        await Expect(first.Message("still there?")).ToBeVisibleAsync();
        await Expect(second.Message("still there?")).ToBeVisibleAsync();

        // One tab's send reaches its sibling, which shares its device (the server sends a device nothing it sent).
        await first.SendAsync("yes, in two tabs");
        await Expect(second.Message("yes, in two tabs")).ToBeVisibleAsync();
    }

    /// <summary>Marks the stored access token expired (the app keeps its tokens in idb-keyval's IndexedDB store).</summary>
    private const string ExpireStoredAccessToken = """
        () => new Promise((resolve, reject) => {
          const open = indexedDB.open("keyval-store");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction("keyval", "readwrite");
            const tokens = tx.objectStore("keyval");
            const read = tokens.get("chat.tokens");
            read.onsuccess = () => tokens.put({ ...read.result, expiresAt: 0 }, "chat.tokens");
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          };
        })
        """;

    private async Task<long> RefreshTokensOfAsync(Guid deviceId)
    {
        await using var db = new NpgsqlConnection(await Chat.ConnectionStringAsync("chatdb"));
        await db.OpenAsync(TestContext.Current.CancellationToken);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM refresh_tokens WHERE device_id = @device AND revoked_at IS NULL", db);
        count.Parameters.AddWithValue("device", deviceId);
        return (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task A_signed_out_device_s_tab_goes_to_the_login_page()
    {
        var alice = await RegisterAsync("Alice Liddell");
        var tab = await SignedInAsync(alice);
        var deviceId = await tab.SessionValueAsync("deviceId");

        using var api = alice.Api(Chat);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/devices/{deviceId}")).StatusCode);
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("This device was signed out. Sign in again.");
    }

    [Fact]
    public async Task Server_refusals_read_as_sentences()
    {
        var alice = await RegisterAsync("Alice Liddell");
        var tab = await OpenAsync();
        await tab.Page.GetByLabel("Username").FillAsync(alice.Username);
        await tab.Page.GetByLabel("Password").FillAsync("not the password");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong username or password.");

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Create an account" }).ClickAsync();
        await tab.Page.GetByLabel("Username").FillAsync(alice.Username);
        await tab.Page.GetByLabel("Display name").FillAsync("Someone else");
        await tab.Page.GetByLabel("Password").FillAsync("correct horse battery");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That username is taken. Choose another.");
    }

    [Fact]
    public async Task On_a_phone_sized_screen_by_keyboard_alone_with_nothing_for_a_screen_reader_to_miss()
    {
        var (alice, bob) = (await RegisterAsync("Alice Liddell"), await RegisterAsync("Bob Dylan"));
        await Conversations.DirectAsync(Chat, bob, alice);
        var tab = await OpenAsync(390, 844);
        await AssertAccessibleAsync(tab.Page);

        // Sign in: the username field has focus; Tab moves to the password; Enter submits.
        await tab.Page.Keyboard.TypeAsync(alice.Username);
        await tab.Page.Keyboard.PressAsync("Tab");
        await tab.Page.Keyboard.TypeAsync(alice.Password);
        await tab.Page.Keyboard.PressAsync("Enter");
        await tab.ExpectOnlineAsync();
        await AssertAccessibleAsync(tab.Page);

        await tab.Conversation("Bob Dylan").FocusAsync();
        await tab.Page.Keyboard.PressAsync("Enter");
        await Expect(tab.ChatTitle).ToHaveTextAsync("Bob Dylan");
        // One pane at a time: the list makes way for the chat, with a way back.
        await Expect(tab.Page.GetByRole(AriaRole.Complementary, new() { Name = "Chats" })).ToBeHiddenAsync();
        await tab.MessageBox.FocusAsync();
        await tab.Page.Keyboard.TypeAsync("typed on a phone");
        await tab.Page.Keyboard.PressAsync("Enter");
        await Expect(tab.Message("typed on a phone")).ToHaveAttributeAsync("data-status", "sent");
        await tab.ScreenshotAsync("phone");
        await AssertAccessibleAsync(tab.Page);

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Back to conversations" }).PressAsync("Enter");
        await Expect(tab.Conversation("Bob Dylan")).ToContainTextAsync("You: typed on a phone");
    }

    /// <summary>axe-core finds no serious or critical problem (missing labels, roles, names, contrast).</summary>
    private static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));
    }

    /// <summary>An account with a person's name (usernames stay unique per run; the pictures in the README show names).</summary>
    [Fact]
    public async Task A_video_call_between_two_browsers_sends_media_through_the_TURN_relay_and_leaves_its_line_in_history()
    {
        var (alice, bob) = (await RegisterAsync("Alice Liddell"), await RegisterAsync("Bob Dylan"));
        await Conversations.DirectAsync(Chat, alice, bob);
        var aliceTab = await SignedInAsync(alice);
        var bobTab = await SignedInAsync(bob);
        foreach (var tab in new[] { aliceTab, bobTab })
        {
            // The privacy setting forces every candidate through the relay (iceTransportPolicy "relay").
            await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Devices" }).ClickAsync();
            await tab.Page.GetByRole(AriaRole.Checkbox, new() { Name = "Always relay calls" }).CheckAsync();
        }

        await aliceTab.OpenConversationAsync("Bob Dylan");
        await aliceTab.Page.GetByRole(AriaRole.Button, new() { Name = "Start video call" }).ClickAsync();
        var incoming = bobTab.Page.GetByRole(AriaRole.Alertdialog, new() { Name = "Incoming call" });
        await Expect(incoming).ToContainTextAsync("Alice Liddell is calling");
        await Expect(aliceTab.Page.GetByRole(AriaRole.Region, new() { Name = "Call" }).GetByRole(AriaRole.Status)).ToHaveTextAsync("Calling Bob Dylan…");
        await incoming.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();

        foreach (var tab in new[] { aliceTab, bobTab })
        {
            var peer = tab.Page.Locator(".call .peer");
            await Expect(peer).ToHaveAttributeAsync("data-connection", "connected", new() { Timeout = 30_000 });
            await Expect(peer).ToHaveAttributeAsync("data-path", "relay");
            await Expect(tab.Page.GetByRole(AriaRole.Region, new() { Name = "Call" }).GetByRole(AriaRole.Status)).ToHaveTextAsync("In call");
            await Eventually.HoldsAsync(async () => await tab.Page.EvaluateAsync<int>(
                    "() => document.querySelector('.call .peer video').getVideoPlaybackQuality().totalVideoFrames") > 10,
                TimeSpan.FromSeconds(20), () => "no frames decoded from the other side");
        }

        await Expect(bobTab.Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "another device" })).ToHaveCountAsync(0);
        await bobTab.ScreenshotAsync("call");
        await bobTab.Page.GetByRole(AriaRole.Button, new() { Name = "Hang up" }).ClickAsync();
        await Expect(aliceTab.Page.GetByRole(AriaRole.Region, new() { Name = "Call" })).ToHaveCountAsync(0);
        await Expect(aliceTab.Page.Locator(".call-line")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^🎥 Video call, 0:[0-5][0-9]$"));
        await bobTab.OpenConversationAsync("Alice Liddell");
        await Expect(bobTab.Page.Locator(".call-line")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task An_image_sent_from_the_browser_goes_up_encrypted_and_shows_on_the_other_side()
    {
        var (alice, bob) = (await RegisterAsync("Alice Liddell"), await RegisterAsync("Bob Dylan"));
        await Conversations.DirectAsync(Chat, alice, bob);
        var aliceTab = await SignedInAsync(alice);
        var bobTab = await SignedInAsync(bob);

        await aliceTab.OpenConversationAsync("Bob Dylan");
        // A 1×1 PNG.
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
        await aliceTab.Page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "dot.png", MimeType = "image/png", Buffer = png });
        await Expect(aliceTab.Page.GetByRole(AriaRole.Img, new() { Name = "dot.png" })).ToBeVisibleAsync();

        await bobTab.OpenConversationAsync("Alice Liddell");
        var image = bobTab.Page.GetByRole(AriaRole.Img, new() { Name = "dot.png" });
        await Expect(image).ToBeVisibleAsync();
        Assert.Equal(1, await image.EvaluateAsync<int>("img => img.naturalWidth"));
        await Expect(bobTab.Conversation("Alice Liddell")).ToContainTextAsync("📎 dot.png");
    }

    private Task<TestUser> RegisterAsync(string displayName) => TestUser.RegisterAsync(Chat, displayName: displayName);

    private async Task<ChatPage> OpenAsync(int width = 1280, int height = 800)
    {
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        _contexts.Add(context);
        return await ChatPage.OpenAsync(context, Web);
    }

    private async Task<ChatPage> SignedInAsync(TestUser user)
    {
        var page = await OpenAsync();
        await page.SignInAsync(user);
        return page;
    }

    private static async Task SendAsync(ApiClient api, Guid conversationId, string content) =>
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync($"/api/conversations/{conversationId}/messages",
            new { clientMessageId = Guid.NewGuid().ToString(), content })).StatusCode);

    public override async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
    }
}
