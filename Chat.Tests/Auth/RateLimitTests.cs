using System.Net;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Auth;

public sealed class RateLimitTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Login_is_limited_per_client_address_with_retry_after()
    {
        using var flooder = new ApiClient(Chat);
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
        using var neighbour = new ApiClient(Chat);
        var other = await neighbour.PostAsync("/api/auth/login", new { username = "nobody", password = "wrong password" });
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    [Fact]
    public async Task Authenticated_endpoints_are_limited_per_user()
    {
        var user = await TestUser.RegisterAsync(Chat);
        using var api = user.Api(Chat);
        var requests = Enumerable.Range(0, 300).Select(_ => api.GetAsync("/api/users/me"));
        var responses = await Task.WhenAll(requests);
        var limited = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited);
        Assert.NotNull(limited.Headers.RetryAfter);

        // Another user keeps their own budget.
        var neighbour = await TestUser.RegisterAsync(Chat);
        using var neighbourApi = neighbour.Api(Chat);
        Assert.Equal(HttpStatusCode.OK, (await neighbourApi.GetAsync("/api/users/me")).StatusCode);
    }
}
