using Chat.Messaging.Presence;
using Chat.Messaging.Redis;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;

namespace Chat.Tests.Scaling;

/// <summary>
/// A connect that fails after the node registered it leaves nothing behind: SignalR does not report a connection
/// whose connect failed as closed, so the node itself must take it out of presence and of its own index. Left in
/// either, its user is shown online (and sent no push) for as long as the node lives: at once in presence, and in
/// the index whenever the node registers its connections again (after a Redis outage, or its alive key lapsing).
/// The failure here is a call record the node cannot read, planted in the test system's Redis; the test makes a
/// node register its connections again, which the other node may take for a death, so it runs with the tests that
/// break shared servers.
/// </summary>
[Collection(nameof(Messages.NodeFailureTests))]
public sealed class FailedConnectTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_connect_that_fails_after_registering_leaves_its_user_offline_then_and_when_the_node_registers_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var node = Chat.RealtimeNodes[0];
        var present = await TestUser.RegisterAsync(Chat);
        var failing = await TestUser.RegisterAsync(Chat);
        await using var presentClient = await ChatClient.ConnectAsync(node, present.Tokens.AccessToken);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await Chat.ConnectionStringAsync("redis"));
        var db = redis.GetDatabase();
        var nodeId = await NodeHoldingAsync(db, present.Id);

        // A live call of the user's whose id is not a call id: looking up the user's calls, the connect's last step,
        // throws.
        var calls = $"chat:{{calls}}:user:{failing.Id:N}";
        await db.HashSetAsync("chat:{calls}:unreadable", "state", "ringing");
        await db.SetAddAsync(calls, "unreadable");
        try
        {
            var failed = HubClients.Create(node, failing.Tokens.AccessToken, messagePack: false);
            await using (failed)
            {
                await Assert.ThrowsAnyAsync<Exception>(async () =>
                {
                    await failed.StartAsync(ct);
                    await failed.InvokeAsync<object>("Sync", new { cursors = Array.Empty<object>(), limit = 1 }, ct);
                });
            }
        }
        finally
        {
            await db.KeyDeleteAsync([calls, "chat:{calls}:unreadable"]);
        }

        Assert.Equal(0, await db.HashLengthAsync(RedisNames.UserConnections(failing.Id)));

        // The node registers its connections again once it finds its alive key gone. The present user, taken out of
        // presence as a sweep would, shows when that has run.
        await db.KeyDeleteAsync(RedisNames.UserConnections(present.Id));
        await db.KeyDeleteAsync(RedisNames.NodeAlive(nodeId));
        await Eventually.HoldsAsync(async () => await db.HashLengthAsync(RedisNames.UserConnections(present.Id)) > 0, TimeSpan.FromSeconds(60),
            () => "the node never registered its connections again");
        // One pass registers every connection the node holds; the present one may come before the other in it.
        await Task.Delay(NodeHeartbeat.Interval, ct);
        Assert.Equal(0, await db.HashLengthAsync(RedisNames.UserConnections(failing.Id)));
    }

    private static async Task<string> NodeHoldingAsync(IDatabase db, Guid userId)
    {
        foreach (var nodeId in await db.SetMembersAsync(RedisNames.Nodes))
        {
            foreach (var member in await db.SetMembersAsync(RedisNames.NodeConnections(nodeId.ToString())))
            {
                if (RedisNames.ParseNodeConnection(member.ToString()) is var (user, _) && user == userId)
                {
                    return nodeId.ToString();
                }
            }
        }

        throw new InvalidOperationException($"No node holds a connection of {userId}");
    }
}
