using System.Text.RegularExpressions;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Messages;

/// <summary>
/// A stranger sends the hub malformed, truncated, oversize and type-confused frames in both protocols while two
/// users talk. Every call gets a documented error, every broken frame ends only its own connection, nothing is
/// stored, and the conversation goes on untouched.
/// </summary>
public sealed partial class HubFuzzTests(ChatApp chat) : DistributedTest(chat)
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Type_confused_calls_get_a_documented_error_store_nothing_and_cost_no_one_else()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var mallory = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var traffic = await Traffic.StartAsync(Chat, alice, bob, conversation);

        var tried = 0;
        foreach (var messagePack in new[] { false, true })
        {
            await using var fuzzer = await RawHubConnection.ConnectAsync(Chat.RealtimeNodes[0], mallory.Tokens.AccessToken, messagePack);
            var cases = messagePack ? HubFuzzCases.MessagePack(conversation) : HubFuzzCases.Json(conversation);
            foreach (var call in cases)
            {
                await fuzzer.SendAsync(call.Frame);
                var reply = await fuzzer.NextAsync(ReplyTimeout);
                var completion = reply as RawHubConnection.Completion ?? throw new Xunit.Sdk.XunitException($"{call.Name}: {reply?.ToString() ?? "no answer"}");
                // Reads of the caller's own state may succeed whatever they are given; nothing else may.
                Assert.True(completion.Error is not null || call.Method is "Sync" or "SyncDeviceMessages" or "AckDeviceMessages", $"{call.Name} succeeded");
                Assert.True(completion.Error is null || DocumentedError().IsMatch(completion.Error), $"{call.Name}: {completion.Error}");
                tried++;
            }

            Assert.True(fuzzer.IsOpen);
        }

        await traffic.StopAndAssertDeliveredAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"{tried} type-confused calls, {traffic.Sent} messages exchanged meanwhile");
    }

    [Fact]
    public async Task A_frame_that_is_not_well_formed_ends_only_its_own_connection()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var traffic = await Traffic.StartAsync(Chat, alice, bob, conversation);

        var tried = 0;
        var ignored = 0;
        foreach (var messagePack in new[] { false, true })
        {
            foreach (var (name, frame, binary) in HubFuzzCases.Malformed(messagePack))
            {
                // A fresh stranger for each frame: connection attempts have a budget per user.
                var mallory = await TestUser.RegisterAsync(Chat);
                await using var fuzzer = await RawHubConnection.ConnectAsync(Chat.RealtimeNodes[tried % 2], mallory.Tokens.AccessToken, messagePack);
                await fuzzer.SendRawAsync(frame, binary);

                // A valid call after it: answered only if the connection survived the frame. The server may have
                // closed it already, before this send.
                RawHubConnection.Reply? reply;
                try
                {
                    await fuzzer.SendAsync(messagePack
                        ? RawHubFrames.MessagePackInvocation("after", "Typing", (ref MessagePack.MessagePackWriter w) => w.WriteNil())
                        : RawHubFrames.JsonInvocation("after", "Typing", "null"));
                    reply = await fuzzer.NextAsync(ReplyTimeout);
                }
                catch (System.Net.WebSockets.WebSocketException)
                {
                    reply = await fuzzer.NextAsync(ReplyTimeout) ?? new RawHubConnection.Closed(null);
                }

                switch (reply)
                {
                    case RawHubConnection.Closed { Error: var error }:
                        Assert.True(error is null || error.StartsWith("Connection closed with an error", StringComparison.Ordinal), $"{name}: {error}");
                        break;
                    case RawHubConnection.Completion { InvocationId: "after", Error: var error }:
                        // Ignored: the connection carries on and answers the next call as it should.
                        Assert.StartsWith("invalid_argument: ", error, StringComparison.Ordinal);
                        ignored++;
                        break;
                    case RawHubConnection.Completion { Error: var error }:
                        Assert.True(error is not null && DocumentedError().IsMatch(error), $"{name}: {error}");
                        break;
                    default:
                        Assert.Fail($"{name}: no answer and the connection still open");
                        break;
                }

                tried++;
            }
        }

        await traffic.StopAndAssertDeliveredAsync();
        foreach (var node in Chat.RealtimeNodes)
        {
            using var http = new HttpClient { BaseAddress = node.Address };
            Assert.True((await http.GetAsync("/health", TestContext.Current.CancellationToken)).IsSuccessStatusCode, node.ResourceId);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{tried} malformed frames ({ignored} ignored as unknown message types), {traffic.Sent} messages exchanged meanwhile");
    }

    [GeneratedRegex("^(invalid_argument|content_too_large|rate_limited|not_member|conversation_not_found|message_not_found|no_shared_conversation|stale_devices|call_not_found|unknown_method): .+", RegexOptions.Singleline)]
    private static partial Regex DocumentedError();

    /// <summary>Alice writes to Bob across nodes for as long as the fuzz runs; every acknowledged message must reach him once.</summary>
    private sealed class Traffic : IAsyncDisposable
    {
        private readonly ChatClient _alice;
        private readonly ChatClient _bob;
        private readonly Guid _conversation;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<MessageAck> _acks = [];
        private Task _sending = Task.CompletedTask;

        private Traffic(ChatClient alice, ChatClient bob, Guid conversation) => (_alice, _bob, _conversation) = (alice, bob, conversation);

        public int Sent => _acks.Count;

        public static async Task<Traffic> StartAsync(ChatApp chat, TestUser alice, TestUser bob, Guid conversation)
        {
            var traffic = new Traffic(
                await ChatClient.ConnectAsync(chat.RealtimeNodes[0], alice.Tokens.AccessToken),
                await ChatClient.ConnectAsync(chat.RealtimeNodes[1], bob.Tokens.AccessToken),
                conversation);
            traffic._sending = traffic.SendAsync();
            return traffic;
        }

        private async Task SendAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                _acks.Add(await _alice.SendPacedAsync(_conversation, $"during the fuzz {_acks.Count}"));
                await Task.Delay(50, CancellationToken.None);
            }
        }

        public async Task StopAndAssertDeliveredAsync()
        {
            await _stop.CancelAsync();
            await _sending;
            Assert.NotEmpty(_acks);
            await _bob.WaitUntilAsync(b => b.MessagesIn(_conversation).Count >= _acks.Count);
            Assert.Equal(_acks.Select(a => a.Seq), _bob.MessagesIn(_conversation).Select(m => m.Seq));

            // Nothing but Alice's messages was stored in the conversation the fuzz aimed at.
            var stored = await _bob.SyncAsync([(_conversation, 0)], limit: 200);
            var all = stored.Messages.ToList();
            while (stored.HasMore)
            {
                stored = await _bob.SyncAsync([(_conversation, all[^1].Seq)], limit: 200);
                all.AddRange(stored.Messages);
            }

            Assert.Equal(_acks.Select(a => a.MessageId), all.Select(m => m.MessageId));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _alice.DisposeAsync();
            await _bob.DisposeAsync();
        }
    }
}
