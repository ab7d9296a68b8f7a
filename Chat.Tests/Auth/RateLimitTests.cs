using System.Net;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Auth;

[Trait("Category", "Distributed")]
public sealed class RateLimitTests(ChatApp chat)
{
    [Fact]
    public async Task Login_is_limited_per_client_address_with_retry_after()
    {
        using var flooder = new ApiClient(chat);
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 100 && limited is null; i++)
        {
            var response = await flooder.PostAsync("/api/auth/login", new { username = "nobody-" + i, password = "wrong password" });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        Assert.NotNull(limited);
        await ApiClient.ReadProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 carries Retry-After");

        // Another address is unaffected.
        using var neighbour = new ApiClient(chat);
        var other = await neighbour.PostAsync("/api/auth/login", new { username = "nobody", password = "wrong password" });
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    [Fact]
    public async Task Authenticated_endpoints_are_limited_per_user()
    {
        var user = await TestUser.RegisterAsync(chat);
        using var api = user.Api(chat);
        var requests = Enumerable.Range(0, 300).Select(_ => api.GetAsync("/api/users/me"));
        var responses = await Task.WhenAll(requests);
        var limited = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited);
        Assert.NotNull(limited.Headers.RetryAfter);

        // Another user keeps their own budget.
        var neighbour = await TestUser.RegisterAsync(chat);
        using var neighbourApi = neighbour.Api(chat);
        Assert.Equal(HttpStatusCode.OK, (await neighbourApi.GetAsync("/api/users/me")).StatusCode);
    }
}
