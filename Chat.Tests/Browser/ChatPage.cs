using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>The web app in one tab, driven the way a person uses it: by the labels and roles it shows.</summary>
public sealed class ChatPage(IPage page)
{
    public IPage Page => page;

    public static async Task<ChatPage> OpenAsync(IBrowserContext context, Uri web)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(web.ToString());
        return new ChatPage(page);
    }

    public async Task SignInAsync(TestUser user)
    {
        await page.GetByLabel("Username").FillAsync(user.Username);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await ExpectOnlineAsync();
    }

    public async Task SignUpAsync(string username, string displayName, string password)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Create an account" }).ClickAsync();
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Display name").FillAsync(displayName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await ExpectOnlineAsync();
    }

    public Task ExpectOnlineAsync() => Expect(Status).ToHaveTextAsync("Online");

    public ILocator Status => page.Locator(".sidebar-header").GetByRole(AriaRole.Status);

    public async Task StartDirectAsync(TestUser with, string displayName)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "New chat" }).ClickAsync();
        await page.GetByLabel("Search people").FillAsync(with.Username);
        await page.GetByRole(AriaRole.List, new() { Name = "People found" }).GetByRole(AriaRole.Button).First.ClickAsync();
        await Expect(ChatTitle).ToHaveTextAsync(displayName);
    }

    public async Task StartGroupAsync(string title, params TestUser[] members)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "New group" }).ClickAsync();
        await page.GetByLabel("Group name").FillAsync(title);
        foreach (var member in members)
        {
            await page.GetByLabel("Search people").FillAsync(member.Username);
            await page.GetByRole(AriaRole.List, new() { Name = "People found" }).GetByRole(AriaRole.Button).First.ClickAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
        await Expect(ChatTitle).ToHaveTextAsync(title);
    }

    public ILocator ChatTitle => page.Locator(".chat-header h2");

    public ILocator Conversation(string title) =>
        page.GetByRole(AriaRole.List, new() { Name = "Conversations" }).GetByRole(AriaRole.Button).Filter(new() { HasText = title });

    public async Task OpenConversationAsync(string title)
    {
        await Conversation(title).ClickAsync();
        await Expect(ChatTitle).ToHaveTextAsync(title);
    }

    /// <summary>Answers the open conversation's message request: "Accept", "Delete" or "Block".</summary>
    public Task AnswerRequestAsync(string answer) =>
        page.GetByRole(AriaRole.Region, new() { Name = "Message request" }).GetByRole(AriaRole.Button, new() { Name = answer, Exact = true }).ClickAsync();

    public ILocator Invitation(string title) =>
        page.GetByRole(AriaRole.List, new() { Name = "Invitations" }).GetByRole(AriaRole.Listitem).Filter(new() { HasText = title });

    /// <summary>Joins the group through its invitation, which opens it.</summary>
    public async Task JoinAsync(string title)
    {
        await Invitation(title).GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
        await Expect(ChatTitle).ToHaveTextAsync(title);
    }

    public async Task SendAsync(string text)
    {
        await MessageBox.FillAsync(text);
        await MessageBox.PressAsync("Enter");
    }

    public ILocator MessageBox => page.GetByRole(AriaRole.Textbox, new() { Name = "Message" });

    /// <summary>Every text message line shown, in order.</summary>
    public ILocator Messages => page.GetByRole(AriaRole.Log, new() { Name = "Messages" }).Locator("article.message");

    public ILocator Message(string text) => Messages.Filter(new() { HasText = text });

    public ILocator Subtitle => page.Locator(".chat-header .subtitle");

    /// <summary>Saves a picture of the tab when CHAT_SCREENSHOTS names a folder (docs/screenshots, for the README).</summary>
    public async Task ScreenshotAsync(string name)
    {
        var folder = Environment.GetEnvironmentVariable("CHAT_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder))
        {
            return;
        }

        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}.png") });
    }

    public Task<string> SessionValueAsync(string member) =>
        page.EvaluateAsync<string>($"() => JSON.parse(localStorage.getItem('chat.session')).{member}");
}
