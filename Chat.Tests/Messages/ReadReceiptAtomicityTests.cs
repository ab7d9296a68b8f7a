using Chat.Data.Push;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace Chat.Tests.Messages;

/// <summary>
/// A read moves the reader's position and leaves a badge update for their offline devices in the push outbox; the
/// two must commit together. The test makes PostgreSQL refuse the outbox row for one user (a trigger, as a crash
/// between the two writes would lose it) and checks that the position did not move without it.
/// </summary>
public sealed class ReadReceiptAtomicityTests(ChatApp chat) : DistributedTest(chat)
{
    [Fact]
    public async Task A_read_whose_badge_update_cannot_be_stored_does_not_move_the_read_position()
    {
        var ct = TestContext.Current.CancellationToken;
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var aliceClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[0], alice.Tokens.AccessToken);
        await using var bobClient = await ChatClient.ConnectAsync(Chat.RealtimeNodes[1], bob.Tokens.AccessToken);
        for (var i = 0; i < 3; i++)
        {
            await aliceClient.SendAsync(conversation, $"m{i}");
        }

        await using var db = NpgsqlDataSource.Create(await Chat.ConnectionStringAsync("chatdb"));
        var name = $"refuse_badge_{bob.Id:N}";
        await db.CreateCommand($"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.user_id = '{bob.Id}' THEN RAISE EXCEPTION 'badge update refused by the test'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {name} BEFORE INSERT ON push_outbox FOR EACH ROW EXECUTE FUNCTION {name}();
            """).ExecuteNonQueryAsync(ct);
        try
        {
            await Assert.ThrowsAsync<HubException>(() =>
                bobClient.Connection.InvokeAsync<long>("MarkRead", new { conversationId = conversation, seq = 3 }, ct));
            Assert.Equal((0L, 0L), await PositionAndBadgesAsync(db, conversation, bob.Id));
        }
        finally
        {
            await db.CreateCommand($"DROP TRIGGER {name} ON push_outbox; DROP FUNCTION {name}();").ExecuteNonQueryAsync(ct);
        }

        Assert.Equal(3, await bobClient.Connection.InvokeAsync<long>("MarkRead", new { conversationId = conversation, seq = 3 }, ct));
        Assert.Equal((3L, 1L), await PositionAndBadgesAsync(db, conversation, bob.Id));
    }

    private static async Task<(long ReadSeq, long BadgeUpdates)> PositionAndBadgesAsync(NpgsqlDataSource db, Guid conversation, Guid user)
    {
        await using var command = db.CreateCommand("""
            SELECT read_seq,
                   (SELECT count(*) FROM push_outbox WHERE conversation_id = @conversation AND user_id = @user AND kind = @badge)
            FROM conversation_members WHERE conversation_id = @conversation AND user_id = @user
            """);
        command.Parameters.AddWithValue("conversation", conversation);
        command.Parameters.AddWithValue("user", user);
        command.Parameters.AddWithValue("badge", (int)PushKind.Badge);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        await reader.ReadAsync(TestContext.Current.CancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
