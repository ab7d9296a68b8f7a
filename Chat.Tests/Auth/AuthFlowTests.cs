using System.Net;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Auth;

public sealed class AuthFlowTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Register_returns_tokens_that_identify_the_new_user()
    {
        var user = await TestUser.RegisterAsync(Chat, displayName: "Ada Lovelace");
        Assert.Equal(900, user.Tokens.ExpiresIn);

        using var api = user.Api(Chat);
        var me = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync("/api/users/me"));
        Assert.Equal(user.Id.ToString(), me.GetProperty("id").GetString());
        Assert.Equal(user.Username, me.GetProperty("username").GetString());
        Assert.Equal("Ada Lovelace", me.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Username_is_unique_without_regard_to_case()
    {
        var user = await TestUser.RegisterAsync(Chat);
        using var api = new ApiClient(Chat);
        var response = await api.PostAsync("/api/auth/register", new { username = user.Username.ToUpperInvariant(), password = "another password", displayName = "Copy" });
        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("taken", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("ab", "long enough password", "Name", "username")]
    [InlineData("has space", "long enough password", "Name", "username")]
    [InlineData("bad/char", "long enough password", "Name", "username")]
    [InlineData("thirty-three-characters-long-name", "long enough password", "Name", "username")]
    [InlineData("\u0958\u0958\u0958\u0958\u0958\u0958\u0958\u0958\u0958\u0958\u0958\u0958\u0958\u0958\u0958\u0958\u0958\u0958\u0958\u0958", "long enough password", "Name", "username")] // composing doubles its length
    [InlineData("lone\ud800surrogate", "long enough password", "Name", "username")]
    [InlineData("valid_name", "short", "Name", "password")]
    [InlineData("valid_name", "long enough password", "", "displayName")]
    public async Task Register_rejects_invalid_fields_with_their_errors(string username, string password, string displayName, string field)
    {
        using var api = new ApiClient(Chat);
        var response = await api.PostAsync("/api/auth/register", new { username, password, displayName });
        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.Contains(errors, e => string.Equals(e, field, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Register_rejects_a_missing_body_and_malformed_json()
    {
        using var api = new ApiClient(Chat);
        await ApiClient.ReadProblemAsync(await api.PostAsync("/api/auth/register"), HttpStatusCode.BadRequest);
        await ApiClient.ReadProblemAsync(await api.PostAsync("/api/auth/register", "not an object"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Login_answers_unknown_user_and_wrong_password_alike()
    {
        var user = await TestUser.RegisterAsync(Chat);
        using var api = new ApiClient(Chat);
        var wrongPassword = await ApiClient.ReadProblemAsync(
            await api.PostAsync("/api/auth/login", new { username = user.Username, password = "wrong password!" }), HttpStatusCode.Unauthorized);
        var unknownUser = await ApiClient.ReadProblemAsync(
            await api.PostAsync("/api/auth/login", new { username = TestUser.UniqueName(), password = "wrong password!" }), HttpStatusCode.Unauthorized);
        Assert.Equal(wrongPassword.GetProperty("detail").GetString(), unknownUser.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Login_creates_a_new_device_and_accepts_any_case_of_the_username()
    {
        var user = await TestUser.RegisterAsync(Chat);
        using var anonymous = new ApiClient(Chat);
        var second = await ApiClient.ReadAsync<TokenPair>(await anonymous.PostAsync("/api/auth/login",
            new { username = user.Username.ToUpperInvariant(), password = user.Password, deviceName = "Laptop" }));
        Assert.Equal(user.Id, second.UserId);
        Assert.NotEqual(user.Tokens.DeviceId, second.DeviceId);

        using var api = new ApiClient(Chat, second.AccessToken);
        var devices = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync("/api/devices"));
        Assert.Equal(2, devices.GetArrayLength());
        Assert.Contains(devices.EnumerateArray(), d => d.GetProperty("name").GetString() == "Laptop" && d.GetProperty("isCurrent").GetBoolean());
    }

    [Fact]
    public async Task A_refresh_token_works_once_and_its_reuse_revokes_the_family()
    {
        var user = await TestUser.RegisterAsync(Chat);
        using var api = new ApiClient(Chat);

        var second = await ApiClient.ReadAsync<TokenPair>(await api.PostAsync("/api/auth/refresh", new { refreshToken = user.Tokens.RefreshToken }));
        Assert.NotEqual(user.Tokens.RefreshToken, second.RefreshToken);
        Assert.Equal(user.Tokens.DeviceId, second.DeviceId);

        // The first token again: a copy exists that should not, so the whole family dies, the newest token too.
        await ApiClient.ReadProblemAsync(await api.PostAsync("/api/auth/refresh", new { refreshToken = user.Tokens.RefreshToken }), HttpStatusCode.Unauthorized);
        await ApiClient.ReadProblemAsync(await api.PostAsync("/api/auth/refresh", new { refreshToken = second.RefreshToken }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_rejects_an_unknown_token()
    {
        using var api = new ApiClient(Chat);
        await ApiClient.ReadProblemAsync(await api.PostAsync("/api/auth/refresh", new { refreshToken = "not-a-token" }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_stops_the_device_access_and_refresh_tokens_at_once()
    {
        var user = await TestUser.RegisterAsync(Chat);
        var otherDevice = await user.LoginAsync(Chat);
        using var api = user.Api(Chat);

        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync("/api/auth/logout")).StatusCode);

        await ApiClient.ReadProblemAsync(await api.GetAsync("/api/users/me"), HttpStatusCode.Unauthorized);
        using var anonymous = new ApiClient(Chat);
        await ApiClient.ReadProblemAsync(await anonymous.PostAsync("/api/auth/refresh", new { refreshToken = user.Tokens.RefreshToken }), HttpStatusCode.Unauthorized);

        // The user's other device is not signed out.
        using var other = new ApiClient(Chat, otherDevice.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/users/me")).StatusCode);
    }

    [Fact]
    public async Task Authenticated_endpoints_refuse_missing_expired_and_tampered_tokens()
    {
        var user = await TestUser.RegisterAsync(Chat);
        var victim = await TestUser.RegisterAsync(Chat);
        var expired = await TokenMint.SignAsync(Chat, user.Id, user.Tokens.DeviceId, DateTime.UtcNow.AddHours(-1), DateTime.UtcNow.AddMinutes(-10));
        var tampered = TokenMint.Tamper(user.Tokens.AccessToken, victim.Id);

        foreach (var token in new[] { null, expired, tampered, "garbage" })
        {
            using var api = new ApiClient(Chat, token);
            await ApiClient.ReadProblemAsync(await api.GetAsync("/api/users/me"), HttpStatusCode.Unauthorized);
        }
    }
}
