using Chat.Tests.Infrastructure;
using Chat.Tests.Messages;
using Npgsql;

namespace Chat.Tests.Push;

/// <summary>Stops the shared worker, so it runs alone with the other tests that break parts of the system.</summary>
[Collection(nameof(NodeFailureTests))]
public sealed class WorkerRestartTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_worker_stopped_mid_burst_and_started_again_sends_every_push_exactly_once_and_cleans_up_old_entries()
    {
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        var bobPhone = await PushDevices.RegisterAsync(Chat, bob.Tokens, "android", PushDevices.Token("burst"));
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);

        var acks = new List<MessageAck>();
        for (var i = 0; i < 30; i++)
        {
            acks.Add(await aliceClient.SendPacedAsync(conversation, $"before {i}"));
        }

        await PushDevices.WaitForPushesAsync(Chat, bobPhone, 5);
        await Chat.StopResourceAsync("worker");
        for (var i = 0; i < 20; i++)
        {
            acks.Add(await aliceClient.SendPacedAsync(conversation, $"while stopped {i}"));
        }

        // An entry processed long ago, as the stopped worker's history would hold: the worker cleans it up at start.
        await using var db = new NpgsqlConnection(await Chat.ConnectionStringAsync("chatdb"));
        await db.OpenAsync(TestContext.Current.CancellationToken);
        var oldEntry = await InsertProcessedEntryAsync(db, conversation, alice.Id, DateTimeOffset.UtcNow.AddDays(-2));
        var recentEntry = await InsertProcessedEntryAsync(db, conversation, alice.Id, DateTimeOffset.UtcNow.AddHours(-1));

        await Chat.StartResourceAsync("worker");
        await PushDevices.WaitForPushesAsync(Chat, bobPhone, 50, TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        var pushed = Chat.Fcm.For(bobPhone).Select(r => Guid.Parse(r.Message.GetProperty("data").GetProperty("messageId").GetString()!)).ToList();
        Assert.Equal(50, pushed.Count);
        Assert.Equal(acks.Select(a => a.MessageId).Order(), pushed.Order());

        Assert.Equal(0L, await CountAsync(db, "SELECT count(*) FROM push_outbox WHERE id = @id", oldEntry));
        Assert.Equal(0L, await CountAsync(db, "SELECT count(*) FROM push_deliveries WHERE outbox_id = @id", oldEntry));
        Assert.Equal(1L, await CountAsync(db, "SELECT count(*) FROM push_outbox WHERE id = @id", recentEntry));
    }

    private static async Task<long> InsertProcessedEntryAsync(NpgsqlConnection db, Guid conversation, Guid userId, DateTimeOffset processedAt)
    {
        await using var insert = new NpgsqlCommand("""
            WITH entry AS (
                INSERT INTO push_outbox (kind, conversation_id, message_id, user_id, created_at, processed_at)
                VALUES (2, @conversation, NULL, @user, @at, @at) RETURNING id),
            delivery AS (INSERT INTO push_deliveries (outbox_id, device_id, sent_at) SELECT id, gen_random_uuid(), @at FROM entry)
            SELECT id FROM entry
            """, db);
        insert.Parameters.AddWithValue("conversation", conversation);
        insert.Parameters.AddWithValue("user", userId);
        insert.Parameters.AddWithValue("at", processedAt);
        return (long)(await insert.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private static async Task<long> CountAsync(NpgsqlConnection db, string sql, long id)
    {
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
