using Microsoft.Playwright;

namespace Chat.Tests.Browser;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (the install script installs it; Playwright never downloads a
/// browser here). One browser for the browser tests; each person in a test gets a context of their own.
/// </summary>
public sealed class BrowserSession : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Calls: a synthetic camera and microphone, allowed without a prompt, playing without a click.
            Args = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(nameof(BrowserSession))]
public sealed class BrowserCollection : ICollectionFixture<BrowserSession>;
