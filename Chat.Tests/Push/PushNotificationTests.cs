using System.Net;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace Chat.Tests.Push;

public sealed class PushNotificationTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task Each_offline_device_gets_one_push_without_content_and_online_devices_none()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var group = await Conversations.GroupAsync(Chat, alice, [bob, carol]);
        var bobPhone = await PushDevices.RegisterAsync(Chat, bob.Tokens, "android", PushDevices.Token("bob-phone"));
        var bobTablet = await PushDevices.RegisterAsync(Chat, await bob.LoginAsync(Chat, "tablet"), "ios", PushDevices.Token("bob-tablet"));
        var carolPhone = await PushDevices.RegisterAsync(Chat, carol.Tokens, "android", PushDevices.Token("carol-phone"));
        await using var carolOnline = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], carol.Tokens.AccessToken);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);

        var ack = await aliceClient.SendAsync(group, "the secret plan");

        await PushDevices.WaitForPushesAsync(Chat, bobPhone, 1);
        await PushDevices.WaitForPushesAsync(Chat, bobTablet, 1);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.Single(Chat.Fcm.For(bobPhone));
        Assert.Single(Chat.Fcm.For(bobTablet));
        Assert.Empty(Chat.Fcm.For(carolPhone));

        var push = Chat.Fcm.For(bobPhone)[0];
        Assert.Equal($"Bearer {FcmStub.AccessToken}", push.Authorization);
        Assert.DoesNotContain("secret plan", push.Message.GetRawText());
        Assert.Equal(ack.MessageId.ToString(), push.Message.GetProperty("data").GetProperty("messageId").GetString());
        Assert.Equal(group.ToString(), push.Message.GetProperty("data").GetProperty("conversationId").GetString());
        Assert.Equal("HIGH", push.Message.GetProperty("android").GetProperty("priority").GetString());
        Assert.Equal(group.ToString("N"), push.Message.GetProperty("android").GetProperty("collapse_key").GetString());
        Assert.Equal(group.ToString("N"), push.Message.GetProperty("apns").GetProperty("headers").GetProperty("apns-collapse-id").GetString());
        Assert.Equal("10", push.Message.GetProperty("apns").GetProperty("headers").GetProperty("apns-priority").GetString());
        Assert.Equal(1, push.Message.GetProperty("apns").GetProperty("payload").GetProperty("aps").GetProperty("badge").GetInt32());
    }

    [Fact]
    public async Task Only_messages_to_someone_with_a_push_token_queue_push_work()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await PushDevices.RegisterAsync(Chat, alice.Tokens, "android", PushDevices.Token("alice-phone"));
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);

        // The sender's own token does not count: bob has none yet.
        var unreachable = await aliceClient.SendAsync(conversation, "bob has no push token");
        var bobPhone = await PushDevices.RegisterAsync(Chat, await bob.LoginAsync(Chat, "phone"), "android", PushDevices.Token("bob-phone"));
        var reachable = await aliceClient.SendAsync(conversation, "now he has");

        await PushDevices.WaitForPushesAsync(Chat, bobPhone, 1);
        await using var db = new NpgsqlConnection(await Chat.ConnectionStringAsync("chatdb"));
        await db.OpenAsync(TestContext.Current.CancellationToken);
        await using var entries = new NpgsqlCommand("SELECT message_id FROM push_outbox WHERE conversation_id = @conversation", db)
        {
            Parameters = { new("conversation", conversation) },
        };
        var queued = new List<Guid>();
        await using (var reader = await entries.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                queued.Add(reader.GetGuid(0));
            }
        }

        Assert.Equal([reachable.MessageId], queued);
        Assert.NotEqual(unreachable.MessageId, reachable.MessageId);
    }

    [Fact]
    public async Task Reading_on_one_device_sends_a_silent_badge_update_to_the_offline_ones()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        var bobTablet = await PushDevices.RegisterAsync(Chat, await bob.LoginAsync(Chat, "tablet"), "ios", PushDevices.Token("bob-tablet"));
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await aliceClient.SendAsync(conversation, "one");
        var second = await aliceClient.SendAsync(conversation, "two");
        await PushDevices.WaitForPushesAsync(Chat, bobTablet, 2);

        await using var bobPhone = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await bobPhone.Connection.InvokeAsync<long>("MarkRead", new { conversationId = conversation, seq = second.Seq }, TestContext.Current.CancellationToken);

        await PushDevices.WaitForPushesAsync(Chat, bobTablet, 3);
        var badge = Chat.Fcm.For(bobTablet)[2].Message;
        Assert.False(badge.TryGetProperty("notification", out _), "a badge update shows no alert");
        Assert.Equal("badge", badge.GetProperty("data").GetProperty("type").GetString());
        Assert.Equal("0", badge.GetProperty("data").GetProperty("badge").GetString());
        Assert.Equal("NORMAL", badge.GetProperty("android").GetProperty("priority").GetString());
        Assert.Equal("5", badge.GetProperty("apns").GetProperty("headers").GetProperty("apns-priority").GetString());
    }

    [Fact]
    public async Task An_unregistered_token_is_removed_from_its_device()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        var dead = await PushDevices.RegisterAsync(Chat, bob.Tokens, "android", PushDevices.Token("unregistered"));
        using var aliceApi = alice.Api(Chat);
        await aliceApi.PostAsync($"/api/conversations/{conversation}/messages", new { clientMessageId = "x", content = "hello?" });

        await PushDevices.WaitForPushesAsync(Chat, dead, 1);
        using var bobApi = bob.Api(Chat);
        for (var i = 0; i < 100; i++)
        {
            var devices = await ApiClient.ReadAsync<JsonElement>(await bobApi.GetAsync("/api/devices"));
            if (!devices[0].GetProperty("hasPushToken").GetBoolean())
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail("the rejected push token is still on the device");
    }

    [Fact]
    public async Task A_503_is_retried_and_the_push_delivered_once()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        var flaky = await PushDevices.RegisterAsync(Chat, bob.Tokens, "android", PushDevices.Token("flaky"));
        using var aliceApi = alice.Api(Chat);
        Assert.Equal(HttpStatusCode.Created, (await aliceApi.PostAsync($"/api/conversations/{conversation}/messages", new { clientMessageId = "x", content = "hi" })).StatusCode);

        await PushDevices.WaitForPushesAsync(Chat, flaky, 2);
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.Equal([503, 200], Chat.Fcm.For(flaky).Select(r => r.Status));
    }

    [Fact]
    public async Task A_call_wakes_each_offline_device_of_the_callee_with_one_high_priority_push_and_rings_it_once_connected()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        var bobPhoneTokens = await bob.LoginAsync(Chat, "phone");
        var bobPhone = await PushDevices.RegisterAsync(Chat, bobPhoneTokens, "android", PushDevices.Token("bob-phone"));
        var bobTablet = await PushDevices.RegisterAsync(Chat, await bob.LoginAsync(Chat, "tablet"), "ios", PushDevices.Token("bob-tablet"));
        var bobOnline = await PushDevices.RegisterAsync(Chat, bob.Tokens, "android", PushDevices.Token("bob-online"));
        await using var bobOnlineClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);

        var call = await aliceClient.Connection.InvokeAsync<Chat.Messaging.Calls.CallView>("StartCall",
            new { conversationId = conversation, callId = Guid.NewGuid(), media = "video" }, TestContext.Current.CancellationToken);
        // A retried start (say, after a lost answer) is the same call and queues nothing more.
        await aliceClient.Connection.InvokeAsync<Chat.Messaging.Calls.CallView>("StartCall",
            new { conversationId = conversation, callId = call.CallId, media = "video" }, TestContext.Current.CancellationToken);

        await PushDevices.WaitForPushesAsync(Chat, bobPhone, 1);
        await PushDevices.WaitForPushesAsync(Chat, bobTablet, 1);
        var push = Chat.Fcm.For(bobPhone)[0].Message;
        Assert.Equal("call", push.GetProperty("data").GetProperty("type").GetString());
        Assert.Equal(call.CallId.ToString(), push.GetProperty("data").GetProperty("callId").GetString());
        Assert.Equal("video", push.GetProperty("data").GetProperty("media").GetString());
        Assert.Equal("HIGH", push.GetProperty("android").GetProperty("priority").GetString());
        Assert.DoesNotContain("sdp", push.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("10", Chat.Fcm.For(bobTablet)[0].Message.GetProperty("apns").GetProperty("headers").GetProperty("apns-priority").GetString());

        // The woken phone connects and rings: the node tells it of the call as it opens.
        await using var phoneClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], bobPhoneTokens.AccessToken);
        // Events go through the connection's outbox, so the state may come just after the first call's answer.
        await phoneClient.WaitUntilAsync(c => c.Calls.Any(e => e.Type == "state" && e.Call.CallId == call.CallId && e.Call.State == "ringing"));
        await phoneClient.Connection.InvokeAsync<Chat.Messaging.Calls.CallView>("RejectCall", new { callId = call.CallId }, TestContext.Current.CancellationToken);

        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.Single(Chat.Fcm.For(bobPhone));
        Assert.Single(Chat.Fcm.For(bobTablet));
        Assert.Empty(Chat.Fcm.For(bobOnline));
    }
}
