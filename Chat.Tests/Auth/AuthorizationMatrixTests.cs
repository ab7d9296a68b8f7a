using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using Chat.Tests.Messages;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Auth;

/// <summary>
/// Every route and hub method tried as everyone who should not pass (a stranger, a removed member, a member of
/// another conversation, an expired token, a signed-out device, someone else's ids) and as one who should. Each
/// answer is asserted; the failures are reported together.
/// </summary>
public sealed class AuthorizationMatrixTests(ChatApp chat) : DistributedTest(chat)
{
    private sealed record Identity(string Name, string AccessToken);

    private sealed record Route(string Method, string Path, object? Body = null);

    [Fact]
    public async Task Every_route_and_hub_method_answers_each_kind_of_caller_as_documented()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var dave = await TestUser.RegisterAsync(Chat);
        var erin = await TestUser.RegisterAsync(Chat);
        var frank = await TestUser.RegisterAsync(Chat);
        var group = await Conversations.GroupAsync(Chat, alice, [bob]);
        await Conversations.DirectAsync(Chat, dave, erin);
        using (var aliceApi = alice.Api(Chat))
        {
            // Carol, a stranger to Alice, joins by invitation: the group is all they share, until she is removed.
            Assert.Equal(HttpStatusCode.Accepted, (await aliceApi.PostAsync($"/api/conversations/{group}/members", new { userId = carol.Id })).StatusCode);
            using (var carolApi = carol.Api(Chat))
            {
                await Conversations.AnswerAsync(carolApi, group);
            }

            Assert.Equal(HttpStatusCode.NoContent, (await aliceApi.DeleteAsync($"/api/conversations/{group}/members/{carol.Id}")).StatusCode);
        }

        await using (var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken))
        {
            await aliceClient.SendAsync(group, "by alice");
        }

        var aliceMessage = (await ApiClient.ReadAsync<JsonElement>(await alice.Api(Chat).GetAsync($"/api/conversations/{group}/messages?afterSeq=0")))
            .GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("kind").GetString() == "text").GetProperty("messageId").GetGuid();
        var now = DateTime.UtcNow;
        var expired = new Identity("expired token", await TokenMint.SignAsync(Chat, bob.Id, bob.Tokens.DeviceId, now.AddMinutes(-20), now.AddMinutes(-5)));
        var bobLaptop = await bob.LoginAsync(Chat, "laptop");
        using (var laptopApi = new ApiClient(Chat, bobLaptop.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await laptopApi.PostAsync("/api/auth/logout")).StatusCode);
        }

        var revoked = new Identity("signed-out device", bobLaptop.AccessToken);
        var owner = new Identity("owner", alice.Tokens.AccessToken);
        var member = new Identity("member", bob.Tokens.AccessToken);
        var removed = new Identity("removed member", carol.Tokens.AccessToken);
        var outsider = new Identity("member of another conversation", dave.Tokens.AccessToken);
        var stranger = new Identity("stranger", frank.Tokens.AccessToken);
        Identity[] unauthenticated = [expired, revoked];

        var rest = new List<(Route Route, Identity Who, HttpStatusCode Expected)>();
        void Expect(Route route, HttpStatusCode status, params Identity[] who) => rest.AddRange(who.Select(w => (route, w, status)));

        var history = new Route("GET", $"/api/conversations/{group}/messages?afterSeq=0");
        Expect(history, HttpStatusCode.OK, owner, member, removed);
        Expect(history, HttpStatusCode.NotFound, outsider, stranger);
        var post = new Route("POST", $"/api/conversations/{group}/messages", new { clientMessageId = Guid.NewGuid().ToString(), content = "x" });
        Expect(post, HttpStatusCode.Forbidden, removed, outsider, stranger);
        var rename = new Route("PATCH", $"/api/conversations/{group}", new { title = "taken over" });
        Expect(rename, HttpStatusCode.Forbidden, member);
        Expect(rename, HttpStatusCode.NotFound, removed, outsider, stranger);
        var add = new Route("POST", $"/api/conversations/{group}/members", new { userId = frank.Id });
        Expect(add, HttpStatusCode.Forbidden, member);
        Expect(add, HttpStatusCode.NotFound, removed, outsider, stranger);
        var removeOwner = new Route("DELETE", $"/api/conversations/{group}/members/{alice.Id}");
        Expect(removeOwner, HttpStatusCode.Forbidden, member);
        Expect(removeOwner, HttpStatusCode.NotFound, removed, outsider, stranger);
        var presence = new Route("GET", $"/api/users/{alice.Id}/presence");
        Expect(presence, HttpStatusCode.OK, member);
        Expect(presence, HttpStatusCode.Forbidden, removed, outsider, stranger);
        var toAlicesDevice = new Route("POST", "/api/devices/current/messages",
            new { clientMessageId = Guid.NewGuid().ToString(), envelopes = new[] { new { userId = alice.Id, deviceId = alice.Tokens.DeviceId, ciphertext = "AAAA" } } });
        Expect(toAlicesDevice, HttpStatusCode.Forbidden, removed, outsider, stranger);
        Expect(toAlicesDevice, HttpStatusCode.Conflict, member);
        var othersDevice = new Route("DELETE", $"/api/devices/{alice.Tokens.DeviceId}");
        Expect(othersDevice, HttpStatusCode.NotFound, member, removed, outsider, stranger);
        foreach (var route in new[]
                 {
                     history, post, rename, add, removeOwner, presence, othersDevice, new Route("GET", "/api/users/me"), new Route("GET", "/api/conversations"),
                     new Route("POST", "/api/conversations", new { kind = "direct", userId = alice.Id }), new Route("GET", "/api/devices"),
                     new Route("POST", "/api/devices", new { platform = "android", pushToken = "t" }), new Route("GET", "/api/users?query=a"),
                     new Route("GET", $"/api/users/{alice.Id}"), new Route("POST", "/api/auth/logout"), toAlicesDevice,
                     new Route("GET", "/api/devices/current/messages"), new Route("POST", "/api/devices/current/messages/ack", new { upTo = 1 }),
                 })
        {
            Expect(route, HttpStatusCode.Unauthorized, unauthenticated);
        }

        // The hub's address is public: a client asks for it before it has signed in.
        Expect(new Route("GET", "/api/realtime/endpoint"), HttpStatusCode.OK, expired, stranger);

        var failures = new List<string>();
        foreach (var (route, who, expected) in rest)
        {
            using var api = new ApiClient(Chat, who.AccessToken);
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path)
            {
                Content = route.Body is null ? null : JsonContent.Create(route.Body),
            };
            var status = (await api.SendAsync(request)).StatusCode;
            if (status != expected)
            {
                failures.Add($"{route.Method} {route.Path} as {who.Name}: {(int)status}, expected {(int)expected}");
            }
        }

        var hub = new List<(string Method, object Argument, Identity Who, string? ExpectedCode)>();
        foreach (var who in new[] { removed, outsider, stranger })
        {
            hub.Add(("SendMessage", new { conversationId = group, clientMessageId = Guid.NewGuid().ToString(), content = "x" }, who, "not_member"));
            hub.Add(("EditMessage", new { conversationId = group, messageId = aliceMessage, content = "x" }, who, "not_member"));
            hub.Add(("DeleteMessage", new { conversationId = group, messageId = aliceMessage }, who, "not_member"));
            hub.Add(("MarkDelivered", new { conversationId = group, seq = 1 }, who, "not_member"));
            hub.Add(("MarkRead", new { conversationId = group, seq = 1 }, who, "not_member"));
            hub.Add(("Typing", new { conversationId = group }, who, "not_member"));
            hub.Add(("SendToDevices", new { clientMessageId = Guid.NewGuid().ToString(), envelopes = new[] { new { userId = alice.Id, deviceId = alice.Tokens.DeviceId, ciphertext = "AAAA" } } },
                who, "no_shared_conversation"));
        }

        // Alice published no keys: no device of hers may receive, and the member learns the list is stale.
        hub.Add(("SendToDevices", new { clientMessageId = Guid.NewGuid().ToString(), envelopes = new[] { new { userId = alice.Id, deviceId = alice.Tokens.DeviceId, ciphertext = "AAAA" } } },
            member, "stale_devices"));

        hub.Add(("EditMessage", new { conversationId = group, messageId = aliceMessage, content = "x" }, member, "not_sender"));
        hub.Add(("DeleteMessage", new { conversationId = group, messageId = aliceMessage }, member, "not_sender"));
        hub.Add(("MarkRead", new { conversationId = group, seq = 1 }, member, null));
        foreach (var byWho in hub.GroupBy(h => h.Who))
        {
            await using var client = await ChatClient.ConnectAsync(Chat.RealtimeNodes[failures.Count % 2], byWho.Key.AccessToken);
            foreach (var (method, argument, who, expectedCode) in byWho)
            {
                string? code = null;
                try
                {
                    await client.Connection.InvokeCoreAsync(method, typeof(object), [argument], TestContext.Current.CancellationToken);
                }
                catch (HubException e)
                {
                    code = e.Message.Split(':')[0];
                }

                if (code != expectedCode)
                {
                    failures.Add($"{method} as {who.Name}: {code ?? "success"}, expected {expectedCode ?? "success"}");
                }
            }

            // Sync names the group: only what the caller may see comes back.
            var sync = await client.SyncAsync([(group, 0)]);
            var seen = sync.Messages.Count(m => m.ConversationId == group) + sync.Positions.Count(p => p.ConversationId == group);
            if (byWho.Key != member && seen > 0 && byWho.Key != removed)
            {
                failures.Add($"Sync as {byWho.Key.Name}: saw {seen} event(s) of the group");
            }
        }

        foreach (var who in unauthenticated)
        {
            foreach (var node in Chat.RealtimeNodes)
            {
                var refused = await Record.ExceptionAsync(() => ChatClient.ConnectAsync(node, who.AccessToken));
                if (refused is not WebSocketException { Message: var message } || !message.Contains("'401'"))
                {
                    failures.Add($"connect to {node.ResourceId} as {who.Name}: {refused?.Message ?? "connected"}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        TestContext.Current.TestOutputHelper?.WriteLine($"{rest.Count} REST checks, {hub.Count} hub calls, {unauthenticated.Length * Chat.RealtimeNodes.Count} refused connects");
    }
}
