using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Auth;

/// <summary>Limits that hold whoever asks: per account, per user and kind of hub call, per connection attempt.</summary>
public sealed class AbuseLimitTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Password_guessing_from_many_addresses_pauses_the_account_even_for_the_right_password()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        for (var i = 0; i < 10; i++)
        {
            using var guesser = new ApiClient(Chat);
            await ApiClient.ReadProblemAsync(
                await guesser.PostAsync("/api/auth/login", new { username = alice.Username, password = $"guess number {i}" }), HttpStatusCode.Unauthorized);
        }

        using var owner = new ApiClient(Chat);
        var paused = await owner.PostAsync("/api/auth/login", new { username = alice.Username.ToUpperInvariant(), password = alice.Password });
        await ApiClient.ReadProblemAsync(paused, HttpStatusCode.TooManyRequests);
        Assert.True(paused.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(10), $"Retry-After {paused.Headers.RetryAfter}");

        // Another account, from the same address, is not paused.
        var bob = await TestUser.RegisterAsync(Chat);
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync("/api/auth/login", new { username = bob.Username, password = bob.Password })).StatusCode);
    }

    [Fact]
    public async Task Unknown_usernames_are_paused_the_same_way_as_known_ones()
    {
        var nobody = TestUser.UniqueName("ghost");
        HttpResponseMessage? last = null;
        for (var i = 0; i < 11; i++)
        {
            using var guesser = new ApiClient(Chat);
            last = await guesser.PostAsync("/api/auth/login", new { username = nobody, password = "whatever it is" });
        }

        await ApiClient.ReadProblemAsync(last!, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_typing_flood_is_refused_with_rate_limited_and_costs_no_one_else()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], bob.Tokens.AccessToken);

        var calls = Enumerable.Range(0, 60).Select(async _ =>
        {
            try
            {
                await aliceClient.Connection.InvokeAsync("Typing", new { conversationId = conversation }, TestContext.Current.CancellationToken);
                return "ok";
            }
            catch (HubException e)
            {
                return e.Message;
            }
        });
        var outcomes = await Task.WhenAll(calls);

        Assert.Contains("ok", outcomes);
        Assert.Contains(outcomes, o => o.StartsWith("rate_limited: ", StringComparison.Ordinal));
        Assert.All(outcomes, o => Assert.True(o == "ok" || o.StartsWith("rate_limited: ", StringComparison.Ordinal), o));

        // The flooder's connection and its other budgets are intact, and so is everyone else.
        await aliceClient.SendAsync(conversation, "still here");
        await bobClient.Connection.InvokeAsync("Typing", new { conversationId = conversation }, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Connection_attempts_beyond_the_budget_are_answered_429_rate_limited()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var node = Chat.RealtimeNodes[1];
        var connected = 0;
        WebSocketException? refused = null;
        for (var i = 0; i < 40 && refused is null; i++)
        {
            try
            {
                await using var client = await ChatClient.ConnectAsync(node, alice.Tokens.AccessToken);
                connected++;
            }
            catch (WebSocketException e)
            {
                refused = e;
            }
        }

        Assert.NotNull(refused);
        Assert.Contains("'429'", refused.Message);
        Assert.InRange(connected, 15, 39);

        // Another user connects to the same node at once.
        var bob = await TestUser.RegisterAsync(Chat);
        await using var bobClient = await ChatClient.ConnectAsync(node, bob.Tokens.AccessToken);
    }

    [Fact]
    public async Task One_user_holds_at_most_ten_connections_on_a_node()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var node = Chat.RealtimeNodes[0];
        var held = new List<ChatClient>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                held.Add(await ChatClient.ConnectAsync(node, alice.Tokens.AccessToken));
            }

            var closed = new TaskCompletionSource<Exception?>();
            await using var eleventh = HubClients.Create(node, alice.Tokens.AccessToken);
            eleventh.Closed += e => { closed.TrySetResult(e); return Task.CompletedTask; };
            await eleventh.StartAsync(TestContext.Current.CancellationToken);
            var error = await closed.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            Assert.Contains("too_many_connections", error?.Message);

            // The ten are untouched, and another node takes the user.
            Assert.All(held, c => Assert.Equal(HubConnectionState.Connected, c.Connection.State));
            await using var elsewhere = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], alice.Tokens.AccessToken);
        }
        finally
        {
            foreach (var client in held)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task The_conversation_list_pages_newest_activity_first()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await Conversations.DirectAsync(Chat, alice, await TestUser.RegisterAsync(Chat)));
        }

        using var api = alice.Api(Chat);
        var seen = new List<Guid>();
        var pages = 0;
        string? after = null;
        do
        {
            var page = await ApiClient.ReadAsync<JsonElement>(await api.GetAsync($"/api/conversations?limit=2{(after is null ? "" : $"&after={after}")}"));
            var ids = page.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();
            Assert.InRange(ids.Count, 0, 2);
            seen.AddRange(ids);
            after = page.GetProperty("next").GetString();
            pages++;
        }
        while (after is not null && pages < 10);

        Assert.Equal(Enumerable.Reverse(created), seen);
        var problem = await ApiClient.ReadProblemAsync(await api.GetAsync("/api/conversations?after=not-a-cursor"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("after", out _));
        await ApiClient.ReadProblemAsync(await api.GetAsync("/api/conversations?limit=0"), HttpStatusCode.BadRequest);
    }
}
