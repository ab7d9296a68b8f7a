using System.Net;
using Chat.Client.Api;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.E2ee;

/// <summary>Chat.Client's REST client replaces an access token about to expire, through the refresh token, whose successor it keeps.</summary>
public sealed class TokenRotationTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task An_access_token_near_expiry_is_refreshed_and_each_refresh_token_used_once()
    {
        var clock = new ShiftedClock();
        using var api = await ChatApi.RegisterAsync(ApiClient.FromOwnAddress(Chat), TestUser.UniqueName("r"), "correct horse battery", "Rotating", clock);
        var first = await api.AccessTokenAsync(TestContext.Current.CancellationToken);
        var firstRefresh = api.RefreshToken;
        Assert.Equal(first, await api.AccessTokenAsync(TestContext.Current.CancellationToken));

        clock.Shift = TimeSpan.FromHours(2);
        var second = await api.AccessTokenAsync(TestContext.Current.CancellationToken);
        Assert.NotEqual(first, second);
        Assert.NotEqual(firstRefresh, api.RefreshToken);
        using (var rest = new ApiClient(Chat, second))
        {
            Assert.Equal(HttpStatusCode.OK, (await rest.GetAsync("/api/users/me")).StatusCode);
        }

        clock.Shift = TimeSpan.FromHours(4);
        Assert.NotEqual(second, await api.AccessTokenAsync(TestContext.Current.CancellationToken));
    }

    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Shift { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Shift;
    }
}
