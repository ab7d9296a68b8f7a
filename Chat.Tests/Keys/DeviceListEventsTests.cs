using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Keys;

/// <summary>Whoever shares a conversation with a user learns at once that the user's devices changed.</summary>
public sealed class DeviceListEventsTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Publishing_keys_and_signing_a_device_out_tell_the_users_contacts_and_no_one_else()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        await Conversations.GroupAsync(Chat, alice, [bob]);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var carolClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], carol.Tokens.AccessToken);
        var toAlice = Record(aliceClient);
        var toCarol = Record(carolClient);

        var tablet = await bob.LoginAsync(Chat, "tablet");
        using var keys = new DeviceKeyMaterial();
        using (var tabletApi = new ApiClient(Chat, tablet.AccessToken))
        {
            var published = await tabletApi.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/devices/current/keys") { Content = JsonContent.Create(keys.PublishRequest(3)) });
            Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
        }

        await Eventually.HoldsAsync(() => toAlice.Count(u => u == bob.Id) == 1, TimeSpan.FromSeconds(10), () => $"{toAlice.Count} devices event(s)");

        using (var bobApi = bob.Api(Chat))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await bobApi.DeleteAsync($"/api/devices/{tablet.DeviceId}")).StatusCode);
        }

        await Eventually.HoldsAsync(() => toAlice.Count(u => u == bob.Id) == 2, TimeSpan.FromSeconds(10), () => $"{toAlice.Count} devices event(s)");
        Assert.Empty(toCarol);
    }

    private static ConcurrentQueue<Guid> Record(ChatClient client)
    {
        var seen = new ConcurrentQueue<Guid>();
        client.Connection.On<JsonElement>("devices", e => seen.Enqueue(e.GetProperty("userId").GetGuid()));
        return seen;
    }
}
