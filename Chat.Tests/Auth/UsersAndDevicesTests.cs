using System.Net;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Auth;

public sealed class UsersAndDevicesTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task User_search_matches_prefixes_and_pages()
    {
        var prefix = TestUser.UniqueName("s")[..12];
        var found = new List<TestUser>();
        for (var i = 0; i < 3; i++)
        {
            found.Add(await TestUser.RegisterAsync(Chat, $"{prefix}{i}"));
        }

        var byDisplayName = await TestUser.RegisterAsync(Chat, displayName: $"{prefix.ToUpperInvariant()} Display");
        using var api = found[0].Api(Chat);

        var first = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync($"/api/users?query={prefix}&pageSize=3"));
        Assert.Equal(3, first.GetProperty("items").GetArrayLength());
        Assert.True(first.GetProperty("hasMore").GetBoolean());

        var second = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync($"/api/users?query={prefix}&pageSize=3&page=2"));
        var last = Assert.Single(second.GetProperty("items").EnumerateArray());
        Assert.Equal(byDisplayName.Id.ToString(), last.GetProperty("id").GetString());
        Assert.False(second.GetProperty("hasMore").GetBoolean());
    }

    [Theory]
    [InlineData("/api/users?query=a&pageSize=51")]
    [InlineData("/api/users?query=a&pageSize=0")]
    [InlineData("/api/users")]
    public async Task User_search_rejects_bad_paging_and_missing_query(string path)
    {
        var user = await TestUser.RegisterAsync(Chat);
        using var api = user.Api(Chat);
        await ApiClient.ReadProblemAsync(await api.GetAsync(path), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Unknown_user_is_a_not_found_problem()
    {
        var user = await TestUser.RegisterAsync(Chat);
        using var api = user.Api(Chat);
        await ApiClient.ReadProblemAsync(await api.GetAsync($"/api/users/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        var other = await TestUser.RegisterAsync(Chat);
        var profile = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync($"/api/users/{other.Id}"));
        Assert.Equal(other.Username, profile.GetProperty("username").GetString());
    }

    [Fact]
    public async Task A_push_token_belongs_to_one_device()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var token = "fcm-" + Guid.NewGuid();
        using var aliceApi = alice.Api(Chat);
        using var bobApi = bob.Api(Chat);

        var device = await ApiClient.ReadAsync<JsonElement>(await aliceApi.PostAsync("/api/devices", new { platform = "android", pushToken = token }));
        Assert.Equal(alice.Tokens.DeviceId.ToString(), device.GetProperty("id").GetString());
        Assert.True(device.GetProperty("hasPushToken").GetBoolean());

        // The same phone, now signed in as Bob, takes the token over.
        await ApiClient.ReadAsync<JsonElement>(await bobApi.PostAsync("/api/devices", new { platform = "android", pushToken = token }));
        var aliceDevices = await ApiClient.ReadAsync<JsonElement>(await aliceApi.GetAsync("/api/devices"));
        Assert.False(aliceDevices.EnumerateArray().Single().GetProperty("hasPushToken").GetBoolean());
    }

    [Theory]
    [InlineData("blackberry", "token")]
    [InlineData("ios", "")]
    public async Task Registering_a_push_token_validates_the_platform_and_token(string platform, string pushToken)
    {
        var user = await TestUser.RegisterAsync(Chat);
        using var api = user.Api(Chat);
        await ApiClient.ReadProblemAsync(await api.PostAsync("/api/devices", new { platform, pushToken }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Removing_a_device_signs_it_out_and_only_its_owner_may()
    {
        var user = await TestUser.RegisterAsync(Chat);
        var laptop = await user.LoginAsync(Chat, "laptop");
        var stranger = await TestUser.RegisterAsync(Chat);

        using var strangerApi = stranger.Api(Chat);
        await ApiClient.ReadProblemAsync(await strangerApi.DeleteAsync($"/api/devices/{laptop.DeviceId}"), HttpStatusCode.NotFound);

        using var phone = user.Api(Chat);
        Assert.Equal(HttpStatusCode.NoContent, (await phone.DeleteAsync($"/api/devices/{laptop.DeviceId}")).StatusCode);
        using var laptopApi = new ApiClient(Chat, laptop.AccessToken);
        await ApiClient.ReadProblemAsync(await laptopApi.GetAsync("/api/users/me"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/api/users/me")).StatusCode);
    }
}
