using System.Net;
using System.Text.Json;
using Chat.Tests.Auth;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

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
        var bobPhone = await RegisterPushTokenAsync(bob.Tokens, "android", Token("bob-phone"));
        var bobTablet = await RegisterPushTokenAsync(await bob.LoginAsync(Chat, "tablet"), "ios", Token("bob-tablet"));
        var carolPhone = await RegisterPushTokenAsync(carol.Tokens, "android", Token("carol-phone"));
        await using var carolOnline = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], carol.Tokens.AccessToken);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);

        var ack = await aliceClient.SendAsync(group, "the secret plan");

        await WaitForPushesAsync(bobPhone, 1);
        await WaitForPushesAsync(bobTablet, 1);
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
    public async Task Reading_on_one_device_sends_a_silent_badge_update_to_the_offline_ones()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        var bobTablet = await RegisterPushTokenAsync(await bob.LoginAsync(Chat, "tablet"), "ios", Token("bob-tablet"));
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await aliceClient.SendAsync(conversation, "one");
        var second = await aliceClient.SendAsync(conversation, "two");
        await WaitForPushesAsync(bobTablet, 2);

        await using var bobPhone = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        await bobPhone.Connection.InvokeAsync<long>("MarkRead", new { conversationId = conversation, seq = second.Seq }, TestContext.Current.CancellationToken);

        await WaitForPushesAsync(bobTablet, 3);
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
        var dead = await RegisterPushTokenAsync(bob.Tokens, "android", Token("unregistered"));
        using var aliceApi = alice.Api(Chat);
        await aliceApi.PostAsync($"/api/conversations/{conversation}/messages", new { clientMessageId = "x", content = "hello?" });

        await WaitForPushesAsync(dead, 1);
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
        var flaky = await RegisterPushTokenAsync(bob.Tokens, "android", Token("flaky"));
        using var aliceApi = alice.Api(Chat);
        Assert.Equal(HttpStatusCode.Created, (await aliceApi.PostAsync($"/api/conversations/{conversation}/messages", new { clientMessageId = "x", content = "hi" })).StatusCode);

        await WaitForPushesAsync(flaky, 2);
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.Equal([503, 200], Chat.Fcm.For(flaky).Select(r => r.Status));
    }

    internal static string Token(string name) => $"{name}-{Guid.NewGuid():N}";

    internal async Task<string> RegisterPushTokenAsync(TokenPair device, string platform, string pushToken)
    {
        using var api = new ApiClient(Chat, device.AccessToken);
        await ApiClient.ReadAsync<JsonElement>(await api.PostAsync("/api/devices", new { platform, pushToken }));
        return pushToken;
    }

    internal async Task WaitForPushesAsync(string token, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (Chat.Fcm.For(token).Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{token} got {Chat.Fcm.For(token).Count} of {count} pushes");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
