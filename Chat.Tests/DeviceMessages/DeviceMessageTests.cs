using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Auth;
using Chat.Tests.Infrastructure;
using Chat.Tests.Keys;
using Chat.Worker.DeviceMessages;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Chat.Tests.DeviceMessages;

/// <summary>Envelopes addressed to one device: stored per device, delivered live and by device Sync, kept until acknowledged.</summary>
public sealed class DeviceMessageTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task An_envelope_reaches_only_its_device_on_either_node_once_and_stays_until_acknowledged()
    {
        var (alice, bob, bobTablet) = await PairAsync();
        await using var phone = await ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await using var tablet = await ConnectAsync(Chat.RealtimeNodes[0], bobTablet.AccessToken);
        await using var sender = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);

        var request = Send("m1", (bob.Id, bob.Tokens.DeviceId, "for-phone"), (bob.Id, bobTablet.DeviceId, "for-tablet"));
        var ack = await sender.Connection.InvokeAsync<JsonElement>("SendToDevices", request, TestContext.Current.CancellationToken);
        Assert.Equal("m1", ack.GetProperty("clientMessageId").GetString());

        await phone.WaitForAsync(1);
        await tablet.WaitForAsync(1);
        var resent = await sender.Connection.InvokeAsync<JsonElement>("SendToDevices", request, TestContext.Current.CancellationToken);
        Assert.Equal(ack.GetProperty("sentAt").GetDateTimeOffset(), resent.GetProperty("sentAt").GetDateTimeOffset());

        var phonePage = await phone.SyncAsync(after: 0);
        Assert.Equal([(1L, "for-phone", alice.Tokens.DeviceId)], phonePage.Select(m => (m.Seq, m.Ciphertext, m.SenderDeviceId)));
        Assert.Equal([(1L, "for-tablet")], (await tablet.SyncAsync(after: 0)).Select(m => (m.Seq, m.Ciphertext)));
        Assert.Equal([(1L, "for-phone")], phone.Live.Select(m => (m.Seq, m.Ciphertext)));
        Assert.Equal([(1L, "for-tablet")], tablet.Live.Select(m => (m.Seq, m.Ciphertext)));

        Assert.Equal(1, await phone.Connection.InvokeAsync<int>("AckDeviceMessages", new { upTo = 1 }, TestContext.Current.CancellationToken));
        Assert.Empty(await phone.SyncAsync(after: 0));
        Assert.Single(await tablet.SyncAsync(after: 0));

        // A resend after the recipient acknowledged is still the same send: nothing is stored again.
        await sender.Connection.InvokeAsync<JsonElement>("SendToDevices", request, TestContext.Current.CancellationToken);
        Assert.Empty(await phone.SyncAsync(after: 0));

        await sender.Connection.InvokeAsync<JsonElement>("SendToDevices",
            Send("m2", (bob.Id, bob.Tokens.DeviceId, "second"), (bob.Id, bobTablet.DeviceId, "second")), TestContext.Current.CancellationToken);
        await phone.WaitForAsync(2);
        Assert.Equal([(2L, "second")], (await phone.SyncAsync(after: 1)).Select(m => (m.Seq, m.Ciphertext)));
    }

    [Fact]
    public async Task A_device_that_was_offline_gets_its_envelopes_by_sync_on_the_other_node()
    {
        var (alice, bob, bobTablet) = await PairAsync();
        using var aliceApi = alice.Api(Chat);
        for (var i = 1; i <= 3; i++)
        {
            var sent = await aliceApi.PostAsync("/api/devices/current/messages",
                Send($"offline-{i}", (bob.Id, bob.Tokens.DeviceId, $"c{i}"), (bob.Id, bobTablet.DeviceId, $"c{i}")));
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        using var bobApi = bob.Api(Chat);
        var page = await ApiClient.ReadAsync<JsonElement>(await bobApi.GetAsync("/api/devices/current/messages?after=1&limit=1"));
        Assert.Equal(2, page.GetProperty("messages")[0].GetProperty("seq").GetInt64());
        Assert.True(page.GetProperty("hasMore").GetBoolean());

        await using var phone = await ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        Assert.Equal(["c1", "c2", "c3"], (await phone.SyncAsync(after: 0)).Select(m => m.Ciphertext));
        var acked = await ApiClient.ReadAsync<JsonElement>(await bobApi.PostAsync("/api/devices/current/messages/ack", new { upTo = 2 }));
        Assert.Equal(2, acked.GetProperty("deleted").GetInt32());
        Assert.Equal(["c3"], (await phone.SyncAsync(after: 0)).Select(m => m.Ciphertext));
    }

    [Fact]
    public async Task A_stale_device_list_is_refused_naming_the_missing_and_gone_devices_and_stores_nothing()
    {
        var (alice, bob, bobTablet) = await PairAsync();
        var gone = Guid.NewGuid();
        using var aliceApi = alice.Api(Chat);

        var problem = await ApiClient.ReadProblemAsync(await aliceApi.PostAsync("/api/devices/current/messages",
            Send("stale-1", (bob.Id, bob.Tokens.DeviceId, "x"), (bob.Id, gone, "x"))), HttpStatusCode.Conflict);
        Assert.Equal("stale_devices", problem.GetProperty("code").GetString());
        var stale = Assert.Single(problem.GetProperty("staleDevices").EnumerateArray());
        Assert.Equal(bob.Id, stale.GetProperty("userId").GetGuid());
        Assert.Equal([bobTablet.DeviceId], stale.GetProperty("missing").EnumerateArray().Select(d => d.GetGuid()));
        Assert.Equal([gone], stale.GetProperty("gone").EnumerateArray().Select(d => d.GetGuid()));

        await using var sender = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], alice.Tokens.AccessToken);
        var refused = await Assert.ThrowsAsync<HubException>(() => sender.Connection.InvokeAsync<JsonElement>("SendToDevices",
            Send("stale-1", (bob.Id, bob.Tokens.DeviceId, "x")), TestContext.Current.CancellationToken));
        Assert.Contains("stale_devices", refused.Message);
        Assert.Contains(bobTablet.DeviceId.ToString(), refused.Message);

        using var bobApi = bob.Api(Chat);
        Assert.Equal(0, (await ApiClient.ReadAsync<JsonElement>(await bobApi.GetAsync("/api/devices/current/messages"))).GetProperty("messages").GetArrayLength());

        // Refreshed, the same clientMessageId goes through; then the tablet is signed out and is gone from the list.
        Assert.Equal(HttpStatusCode.OK, (await aliceApi.PostAsync("/api/devices/current/messages",
            Send("stale-1", (bob.Id, bob.Tokens.DeviceId, "x"), (bob.Id, bobTablet.DeviceId, "x")))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await bobApi.DeleteAsync($"/api/devices/{bobTablet.DeviceId}")).StatusCode);
        problem = await ApiClient.ReadProblemAsync(await aliceApi.PostAsync("/api/devices/current/messages",
            Send("stale-2", (bob.Id, bob.Tokens.DeviceId, "y"), (bob.Id, bobTablet.DeviceId, "y"))), HttpStatusCode.Conflict);
        Assert.Equal([bobTablet.DeviceId], problem.GetProperty("staleDevices")[0].GetProperty("gone").EnumerateArray().Select(d => d.GetGuid()));
        Assert.Equal(1, (await ApiClient.ReadAsync<JsonElement>(await bobApi.GetAsync("/api/devices/current/messages"))).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Only_users_who_share_a_conversation_can_be_sent_to_and_bad_sends_name_the_field()
    {
        var (alice, bob, _) = await PairAsync();
        var stranger = await TestUser.RegisterAsync(Chat);
        await PublishKeysAsync(stranger.Tokens);
        using var aliceApi = alice.Api(Chat);

        var problem = await ApiClient.ReadProblemAsync(await aliceApi.PostAsync("/api/devices/current/messages",
            Send("s", (stranger.Id, stranger.Tokens.DeviceId, "x"))), HttpStatusCode.Forbidden);
        Assert.Equal("no_shared_conversation", problem.GetProperty("code").GetString());

        async Task AssertInvalidAsync(string field, object body)
        {
            var invalid = await ApiClient.ReadProblemAsync(await aliceApi.PostAsync("/api/devices/current/messages", body), HttpStatusCode.BadRequest);
            Assert.True(invalid.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {invalid}");
        }

        await AssertInvalidAsync("envelopes", new { clientMessageId = "v", envelopes = Array.Empty<object>() });
        await AssertInvalidAsync("clientMessageId", Send("", (bob.Id, bob.Tokens.DeviceId, "x")));
        await AssertInvalidAsync("envelopes[0].deviceId", Send("v", (alice.Id, alice.Tokens.DeviceId, "to myself")));
        await AssertInvalidAsync("envelopes[1].deviceId", Send("v", (bob.Id, bob.Tokens.DeviceId, "x"), (bob.Id, bob.Tokens.DeviceId, "x")));
        await AssertInvalidAsync("envelopes[0].ciphertext", Send("v", (bob.Id, bob.Tokens.DeviceId, "a\0b")));
        await AssertInvalidAsync("envelopes[0].ciphertext", Send("v", (bob.Id, bob.Tokens.DeviceId, new string('x', 64 * 1024 + 1))));

        foreach (var (field, query) in new[] { ("after", "after=-1"), ("limit", "limit=0"), ("limit", "limit=501") })
        {
            var invalid = await ApiClient.ReadProblemAsync(await aliceApi.GetAsync($"/api/devices/current/messages?{query}"), HttpStatusCode.BadRequest);
            Assert.True(invalid.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {invalid}");
        }
    }

    [Fact]
    public async Task The_worker_drops_envelopes_no_device_acknowledged_within_the_retention()
    {
        var (alice, bob, bobTablet) = await PairAsync();
        using var aliceApi = alice.Api(Chat);
        Assert.Equal(HttpStatusCode.OK, (await aliceApi.PostAsync("/api/devices/current/messages",
            Send("old", (bob.Id, bob.Tokens.DeviceId, "old"), (bob.Id, bobTablet.DeviceId, "old")))).StatusCode);

        await using var dataSource = NpgsqlDataSource.Create(await Chat.ConnectionStringAsync("chatdb"));
        await using (var age = dataSource.CreateCommand("UPDATE device_messages SET sent_at = sent_at - interval '31 days' WHERE recipient_device_id = @device"))
        {
            age.Parameters.AddWithValue("device", bob.Tokens.DeviceId);
            Assert.Equal(1, await age.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        }

        var options = Options.Create(new DeviceMessageRetentionOptions());
        var cleanup = new DeviceMessageCleanup(dataSource, options, TimeProvider.System, NullLogger<DeviceMessageCleanup>.Instance);
        Assert.True(await cleanup.CleanUpAsync(DateTimeOffset.UtcNow - options.Value.Retention, TestContext.Current.CancellationToken) >= 1);

        using var bobApi = bob.Api(Chat);
        Assert.Equal(0, (await ApiClient.ReadAsync<JsonElement>(await bobApi.GetAsync("/api/devices/current/messages"))).GetProperty("messages").GetArrayLength());
        using var tabletApi = new ApiClient(Chat, bobTablet.AccessToken);
        Assert.Equal(1, (await ApiClient.ReadAsync<JsonElement>(await tabletApi.GetAsync("/api/devices/current/messages"))).GetProperty("messages").GetArrayLength());
    }

    /// <summary>Alice and Bob share a conversation; Bob has a phone and a tablet, both with keys published.</summary>
    private async Task<(TestUser Alice, TestUser Bob, TokenPair BobTablet)> PairAsync()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var tablet = await bob.LoginAsync(Chat, "tablet");
        await PublishKeysAsync(alice.Tokens);
        await PublishKeysAsync(bob.Tokens);
        await PublishKeysAsync(tablet);
        await Conversations.DirectAsync(Chat, alice, bob);
        return (alice, bob, tablet);
    }

    private async Task PublishKeysAsync(TokenPair device)
    {
        using var keys = new DeviceKeyMaterial();
        using var api = new ApiClient(Chat, device.AccessToken);
        var published = await api.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/devices/current/keys") { Content = JsonContent.Create(keys.PublishRequest(1)) });
        Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
    }

    private static object Send(string clientMessageId, params (Guid UserId, Guid DeviceId, string Ciphertext)[] envelopes) => new
    {
        clientMessageId,
        envelopes = envelopes.Select(e => new { userId = e.UserId, deviceId = e.DeviceId, ciphertext = e.Ciphertext }).ToArray(),
    };

    private static async Task<DeviceInbox> ConnectAsync(RealtimeNode node, string accessToken) => new(await ChatClient.ConnectAsync(node, accessToken));

    private sealed record Envelope(long Seq, Guid SenderId, Guid SenderDeviceId, string ClientMessageId, string Ciphertext, DateTimeOffset SentAt);

    private sealed record EnvelopePage(IReadOnlyList<Envelope> Messages, bool HasMore);

    /// <summary>A device's connection with what arrived by the <c>deviceMessage</c> event.</summary>
    private sealed class DeviceInbox : IAsyncDisposable
    {
        private readonly ChatClient _client;
        private readonly ConcurrentQueue<Envelope> _live = new();

        public DeviceInbox(ChatClient client)
        {
            _client = client;
            client.Connection.On<Envelope>("deviceMessage", _live.Enqueue);
        }

        public HubConnection Connection => _client.Connection;

        public IReadOnlyList<Envelope> Live => [.. _live];

        public Task WaitForAsync(long seq) =>
            Eventually.HoldsAsync(() => _live.Any(m => m.Seq == seq), TimeSpan.FromSeconds(10), () => $"live: {string.Join(", ", _live.Select(m => m.Seq))}");

        public async Task<IReadOnlyList<Envelope>> SyncAsync(long after) =>
            (await Connection.InvokeAsync<EnvelopePage>("SyncDeviceMessages", new { after }, TestContext.Current.CancellationToken)).Messages;

        public ValueTask DisposeAsync() => _client.DisposeAsync();
    }
}
