using System.Net;
using System.Text.Json;
using Chat.Tests.Auth;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Keys;

public sealed class KeyDirectoryTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_fetch_returns_a_signed_bundle_per_active_device_with_a_one_time_prekey()
    {
        var bob = await TestUser.RegisterAsync(Chat);
        var laptop = await bob.LoginAsync(Chat, "laptop");
        var oldPhone = await bob.LoginAsync(Chat, "old phone");
        await bob.LoginAsync(Chat, "never published");
        using var phoneKeys = new DeviceKeyMaterial();
        using var laptopKeys = new DeviceKeyMaterial();
        using var oldKeys = new DeviceKeyMaterial();
        await PublishAsync(bob.Tokens, phoneKeys, 5);
        await PublishAsync(laptop, laptopKeys, 5);
        await PublishAsync(oldPhone, oldKeys, 5);
        using (var old = new ApiClient(Chat, oldPhone.AccessToken))
        {
            await old.PostAsync("/api/auth/logout");
        }

        var alice = await TestUser.RegisterAsync(Chat);
        using var api = alice.Api(Chat);
        var keys = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync($"/api/users/{bob.Id}/keys"));
        var bundles = keys.GetProperty("devices").EnumerateArray().ToDictionary(b => b.GetProperty("deviceId").GetGuid());
        Assert.Equal(new[] { bob.Tokens.DeviceId, laptop.DeviceId }.Order(), bundles.Keys.Order());
        var phone = bundles[bob.Tokens.DeviceId];
        Assert.Equal(phoneKeys.IdentityKey, phone.GetProperty("identityKey").GetString());
        var signed = phone.GetProperty("signedPrekey");
        Assert.True(DeviceKeyMaterial.SignatureVerifies(phone.GetProperty("signingKey").GetString()!, signed.GetProperty("publicKey").GetString()!,
            signed.GetProperty("signature").GetString()!));
        Assert.Equal(1, phone.GetProperty("oneTimePrekey").GetProperty("keyId").GetInt32());

        using var bobApi = bob.Api(Chat);
        Assert.Equal(4, (await ApiClient.ReadAsync<JsonElement>(await bobApi.GetAsync("/api/devices/current/prekeys"))).GetProperty("remaining").GetInt32());
    }

    [Fact]
    public async Task Fifty_concurrent_fetches_never_hand_out_a_prekey_twice_and_fall_back_when_none_are_left()
    {
        var bob = await TestUser.RegisterAsync(Chat);
        using var bobKeys = new DeviceKeyMaterial();
        await PublishAsync(bob.Tokens, bobKeys, 30);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        var low = new List<JsonElement>();
        bobClient.Connection.On<JsonElement>("prekeysLow", e => { lock (low) { low.Add(e); } });

        var fetchers = new List<TestUser>();
        for (var i = 0; i < 5; i++)
        {
            fetchers.Add(await TestUser.RegisterAsync(Chat));
        }

        var fetches = Enumerable.Range(0, 50).Select(async i =>
        {
            using var api = fetchers[i % fetchers.Count].Api(Chat);
            var keys = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync($"/api/users/{bob.Id}/keys"));
            var prekey = keys.GetProperty("devices")[0].GetProperty("oneTimePrekey");
            return prekey.ValueKind == JsonValueKind.Null ? (int?)null : prekey.GetProperty("keyId").GetInt32();
        });
        var handed = await Task.WhenAll(fetches);

        var given = handed.Where(k => k is not null).Select(k => k!.Value).ToList();
        Assert.Equal(given.Count, given.Distinct().Count());
        Assert.Equal(30, given.Count);
        Assert.Equal(20, handed.Count(k => k is null));

        // Bob's devices hear that this device runs low, naming it.
        await Eventually.HoldsAsync(() => { lock (low) { return low.Any(e => e.GetProperty("remaining").GetInt32() == 0); } }, TimeSpan.FromSeconds(10),
            () => $"{low.Count} prekeysLow event(s)");
        lock (low)
        {
            Assert.All(low, e => Assert.Equal(bob.Tokens.DeviceId, e.GetProperty("deviceId").GetGuid()));
        }
    }

    [Fact]
    public async Task Bad_keys_signatures_and_batches_get_a_400_naming_the_field()
    {
        var bob = await TestUser.RegisterAsync(Chat);
        using var keys = new DeviceKeyMaterial();
        using var other = new DeviceKeyMaterial();
        using var api = bob.Api(Chat);

        await AssertRefusedAsync(api, "signedPrekey.signature", keys.PublishRequest(1, signature: other.SignedPrekeySignature));
        var offCurve = System.Buffers.Text.Base64Url.EncodeToString([0x04, .. Enumerable.Repeat((byte)7, 64)]);
        await AssertRefusedAsync(api, "identityKey", new { identityKey = offCurve, signingKey = keys.SigningKey,
            signedPrekey = new { keyId = 1, publicKey = keys.SignedPrekey, signature = keys.SignedPrekeySignature } });
        await AssertRefusedAsync(api, "signingKey", new { identityKey = keys.IdentityKey, signingKey = "not base64url!",
            signedPrekey = new { keyId = 1, publicKey = keys.SignedPrekey, signature = keys.SignedPrekeySignature } });
        await AssertRefusedAsync(api, "oneTimePrekeys", keys.PublishRequest(101));

        Assert.Equal(HttpStatusCode.NoContent, (await PutAsync(api, keys.PublishRequest(60))).StatusCode);
        var tooMany = await api.PostAsync("/api/devices/current/prekeys", new { oneTimePrekeys = DeviceKeyMaterial.Prekeys(41, firstKeyId: 100) });
        var problem = await ApiClient.ReadProblemAsync(tooMany, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("oneTimePrekeys", out _));
        var added = await api.PostAsync("/api/devices/current/prekeys", new { oneTimePrekeys = DeviceKeyMaterial.Prekeys(40, firstKeyId: 100) });
        Assert.Equal(100, (await ApiClient.ReadAsync<JsonElement>(added)).GetProperty("remaining").GetInt32());
    }

    [Fact]
    public async Task Key_fetches_are_limited_per_user()
    {
        var bob = await TestUser.RegisterAsync(Chat);
        var mallory = await TestUser.RegisterAsync(Chat);
        using var api = mallory.Api(Chat);
        var answers = await Task.WhenAll(Enumerable.Range(0, 260).Select(_ => api.GetAsync($"/api/users/{bob.Id}/keys")));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.TooManyRequests);

        var alice = await TestUser.RegisterAsync(Chat);
        using var aliceApi = alice.Api(Chat);
        Assert.Equal(HttpStatusCode.OK, (await aliceApi.GetAsync($"/api/users/{bob.Id}/keys")).StatusCode);
    }

    private async Task PublishAsync(TokenPair device, DeviceKeyMaterial keys, int oneTimePrekeys)
    {
        using var api = new ApiClient(Chat, device.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await PutAsync(api, keys.PublishRequest(oneTimePrekeys))).StatusCode);
    }

    private static Task<HttpResponseMessage> PutAsync(ApiClient api, object body) =>
        api.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/devices/current/keys") { Content = System.Net.Http.Json.JsonContent.Create(body) });

    private static async Task AssertRefusedAsync(ApiClient api, string field, object body)
    {
        var problem = await ApiClient.ReadProblemAsync(await PutAsync(api, body), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
    }
}
