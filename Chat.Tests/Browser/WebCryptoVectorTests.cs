using Aspire.Hosting.Testing;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// The web app's end-to-end encryption, in Chromium's WebCrypto, reproduces docs/e2ee.md's test vectors (the same
/// ones Chat.Client reproduces in .NET: CryptoVectorTests), so the two interoperate byte for byte.
/// </summary>
[Trait("Category", "Browser")]
[Collection(nameof(BrowserSession))]
public sealed class WebCryptoVectorTests(ChatApp chat, BrowserSession browser) : DistributedTest(chat)
{
    [Fact]
    public async Task The_browser_reproduces_every_published_vector()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(Chat.App.GetEndpoint("web", "http"), "/e2ee-vectors.html").ToString());

        await Expect(page.GetByRole(AriaRole.Status)).Not.ToHaveTextAsync("Checking…");
        var checks = page.Locator("#checks li");
        var results = await checks.AllInnerTextsAsync();
        Assert.Equal(7, results.Count);
        Assert.All(results, result => Assert.StartsWith("ok: ", result));
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("All 7 checks pass.");
    }
}
