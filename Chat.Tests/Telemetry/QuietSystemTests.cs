using System.Net;
using System.Text;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Telemetry;

/// <summary>
/// What an operator sees on the dashboard, read from what the services export over OTLP. These tests need nothing
/// else to run meanwhile (no other test's traffic, no fault), so they run alone.
/// </summary>
[CollectionDefinition(nameof(QuietSystemTests), DisableParallelization = true)]
public sealed class QuietSystemCollection;

[Collection(nameof(QuietSystemTests))]
public sealed class QuietSystemTests(ChatApp chat) : DistributedTest(chat)
{
    /// <summary>OTLP severity numbers from Error (17) up: Error and Fatal, which .NET's Critical becomes.</summary>
    private const int ErrorSeverity = 17;

    private static readonly TimeSpan ExportDelay = TimeSpan.FromSeconds(3);

    /// <summary>How often the StackExchange.Redis instrumentation turns the commands it profiled into spans.</summary>
    private static readonly TimeSpan RedisSpanFlush = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Starting_the_system_logs_no_error()
    {
        // What a developer sees on the dashboard after pressing F5: the start alone, before any test's traffic.
        await Task.Delay(ExportDelay, TestContext.Current.CancellationToken);
        var errors = Chat.Telemetry.Logs.Where(l => l.Time <= Chat.HealthyAt && l.Severity >= ErrorSeverity).ToList();
        Assert.True(errors.Count == 0, "Error logs at start: " + string.Join("\n", errors.Select(e => $"{e.Service} {e.Category}: {e.Body}")));
    }

    [Fact]
    public async Task A_session_full_of_client_mistakes_logs_no_error_anywhere_and_counts_each_mistake_by_code()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var mallory = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        var before = Counts();
        var start = DateTimeOffset.UtcNow;

        await using (var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken))
        await using (var malloryClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], mallory.Tokens.AccessToken))
        {
            await aliceClient.SendAsync(conversation, "a message that is fine");
            await Refused("not_member", () => malloryClient.SendAsync(conversation, "let me in"));
            await Refused("content_too_large", () => aliceClient.SendAsync(conversation, new string('x', 70_000)));
            await Refused("invalid_argument", () => aliceClient.SendAsync(conversation, ""));
            await Refused("unknown_method", () => aliceClient.Connection.InvokeAsync("NoSuchMethod", TestContext.Current.CancellationToken));
            await Refused("invalid_argument", () => aliceClient.Connection.InvokeAsync("Typing", new { conversationId = "not-a-uuid" }, TestContext.Current.CancellationToken));
            await Refused("rate_limited", async () =>
            {
                for (var i = 0; i < 50; i++)
                {
                    await aliceClient.Connection.InvokeAsync("Typing", new { conversationId = conversation }, TestContext.Current.CancellationToken);
                }
            });
            await aliceClient.SendAsync(conversation, "still talking after all that");
        }

        await using (var raw = await RawHubConnection.ConnectAsync(Chat.RealtimeNodes[0], mallory.Tokens.AccessToken, messagePack: false))
        {
            await raw.SendAsync(Encoding.UTF8.GetBytes("{\"type\":1,\"target\":\u001e"));
            Assert.IsType<RawHubConnection.Closed>(await raw.NextAsync(TimeSpan.FromSeconds(10)));
        }

        var unauthorized = await Assert.ThrowsAnyAsync<Exception>(() => HubClients.Create(Chat.RealtimeNodes[1], "not-a-token").StartAsync(TestContext.Current.CancellationToken));
        Assert.Contains("401", unauthorized.Message);
        using (var stranger = new ApiClient(Chat, "not-a-token"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/conversations")).StatusCode);
        }

        using (var api = alice.Api(Chat))
        {
            var malformed = new HttpRequestMessage(HttpMethod.Post, "/api/conversations") { Content = new StringContent("{\"type\":", Encoding.UTF8, "application/json") };
            Assert.Equal(HttpStatusCode.BadRequest, (await api.SendAsync(malformed)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/conversations/{Guid.NewGuid()}")).StatusCode);
        }

        (string Surface, string Code)[] expected =
        [
            ("hub", "not_member"), ("hub", "content_too_large"), ("hub", "invalid_argument"), ("hub", "unknown_method"), ("hub", "rate_limited"),
            ("frame", "malformed_frame"), ("http", "unauthorized"), ("http", "invalid_argument"), ("http", "not_found"),
        ];
        await Eventually.HoldsAsync(() => expected.All(e => Counts().GetValueOrDefault(e) > before.GetValueOrDefault(e)), TimeSpan.FromSeconds(20),
            () => "counted so far: " + string.Join(", ", Counts().Where(c => c.Value > before.GetValueOrDefault(c.Key)).Select(c => $"{c.Key.Surface}/{c.Key.Code}")));

        await Task.Delay(ExportDelay, TestContext.Current.CancellationToken);
        var errors = Chat.Telemetry.Logs.Where(l => l.Time >= start && l.Severity >= ErrorSeverity).ToList();
        Assert.True(errors.Count == 0, "Error logs: " + string.Join("\n", errors.Select(e => $"{e.Service} {e.Category}: {e.Body}")));
    }

    [Fact]
    public async Task An_idle_system_writes_no_traces()
    {
        // Long enough for every timer to fire several times: call sweeps (1 s), presence renewals, outbox and
        // clean-up polls, health checks.
        // The Redis instrumentation exports a traced operation's commands up to 10 s after they ran: spans are told
        // apart by when they began, and the window is read once those have arrived.
        await Task.Delay(ExportDelay, TestContext.Current.CancellationToken);
        var idleFrom = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(8), TestContext.Current.CancellationToken);
        var idleUntil = DateTimeOffset.UtcNow;
        await Task.Delay(RedisSpanFlush + ExportDelay, TestContext.Current.CancellationToken);

        var written = Chat.Telemetry.Spans.Where(s => s.Start >= idleFrom && s.Start < idleUntil).ToList();
        Assert.True(written.Count == 0, "spans begun while idle: " + string.Join(", ", written.GroupBy(s => $"{s.Service}: {s.Name}").Select(g => $"{g.Key} ×{g.Count()}")));
    }

    private async Task Refused(string code, Func<Task> call)
    {
        var refusal = await Assert.ThrowsAsync<HubException>(call);
        Assert.StartsWith(code + ":", refusal.Message);
    }

    /// <summary>chat.client_errors summed over every replica, by surface and code.</summary>
    private Dictionary<(string Surface, string Code), double> Counts() => Chat.Telemetry.Counts
        .Where(c => c.Metric == "chat.client_errors")
        .GroupBy(c => (c.Attributes.GetValueOrDefault("chat.surface", ""), c.Attributes.GetValueOrDefault("error.type", "")))
        .ToDictionary(g => g.Key, g => g.Sum(c => c.Value));
}
