using System.Collections.Concurrent;
using Chat.Data.Conversations;
using Chat.Messaging.Fanout;
using Chat.Messaging.Messages;
using Chat.Messaging.Redis;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Chat.Tests.Messages;

/// <summary>The message store against the AppHost's PostgreSQL and Redis: many sends at once share commit batches.</summary>
public sealed class GroupCommitTests(ChatApp chat) : DistributedTest(chat)
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)] // a conversation's messages all go to one of the writers, so they keep their order
    public async Task A_batch_stores_new_messages_in_order_and_answers_a_resend_and_an_outsider_on_their_own(int writers)
    {
        var ct = TestContext.Current.CancellationToken;
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var conversation = await Conversations.DirectAsync(Chat, alice, bob);
        await using var dataSource = NpgsqlDataSource.Create(await Chat.ConnectionStringAsync("chatdb"));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await Chat.ConnectionStringAsync("redis"));
        var published = new ConcurrentQueue<long>();
        // Another device of Bob is connected to a node of the test's own, as the presence registry says: the fan-out sends that node his events.
        var node = $"test-node-{Guid.NewGuid():N}";
        await redis.GetDatabase().HashSetAsync(RedisNames.UserConnections(bob.Id), "test-connection", RedisNames.ConnectionValue(node, Guid.NewGuid()));
        // Read in order, as the nodes do: a handler passed to SubscribeAsync may run for two publications at once.
        var subscription = await redis.GetSubscriber().SubscribeAsync(RedisNames.NodeMessages(node));
        subscription.OnMessage(message =>
        {
            foreach (var envelope in RedisWire.ReadMessages(message.Message).Where(e => e.Event.ConversationId == conversation))
            {
                published.Enqueue(envelope.Event.Seq);
            }
        });
        await using var fanout = new MessageFanout(redis, new RecipientNodes(redis), TestMeters.Factory, NullLogger<MessageFanout>.Instance);
        await using var store = new MessageStore(dataSource, fanout, TimeProvider.System, Options.Create(new GroupCommitOptions { Writers = writers }));
        NewMessage From(TestUser user, string clientMessageId) =>
            new(conversation, user.Id, user.Tokens.DeviceId, clientMessageId, MessageKind.Text, $"content of {clientMessageId}");

        var first = await store.AppendAsync(From(alice, "first"), ct);

        // All at once, so that they queue while a batch commits and share the next ones; a send repeated inside the
        // burst must not fail the batch it shares with the others (which would retry them one by one, out of order).
        var sends = Enumerable.Range(1, 40).Select(i => From(i % 2 == 0 ? alice : bob, $"burst-{i}"))
            .Append(From(alice, "first"))
            .Append(From(carol, "outsider"))
            .Append(From(bob, "burst-1"))
            .Select(message => store.AppendAsync(message, ct))
            .ToList();
        var results = await Task.WhenAll(sends);

        var stored = results[..40];
        Assert.All(stored, r => Assert.Null(r.Error));
        Assert.All(stored, r => Assert.False(r.Duplicate));
        Assert.All(stored, r => Assert.Equal(new[] { alice.Id, bob.Id }.Order(), r.Recipients.Order()));
        // Seqs follow the order of arrival, with no gap where the resend and the outsider's message were.
        Assert.Equal(Enumerable.Range(2, 40).Select(i => (long)i), stored.Select(r => r.Event!.Seq));

        var resend = results[40];
        Assert.True(resend.Duplicate);
        Assert.Equal(first.Event!.MessageId, resend.Event!.MessageId);
        Assert.Equal(1, resend.Event.Seq);
        Assert.Equal("not_member", results[41].Error?.Code);
        var repeated = results[42];
        Assert.True(repeated.Duplicate);
        Assert.Equal(results[0].Event!.MessageId, repeated.Event!.MessageId);

        // Published once each, in seq order, the resend not again.
        await Eventually.HoldsAsync(() => published.Count >= 41, TimeSpan.FromSeconds(10), () => $"{published.Count} of 41 published");
        await Task.Delay(200, ct);
        Assert.Equal(Enumerable.Range(1, 41).Select(i => (long)i), published);
        await redis.GetDatabase().HashDeleteAsync(RedisNames.UserConnections(bob.Id), "test-connection");

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var count = new NpgsqlCommand(
            "SELECT count(*), count(DISTINCT seq), max(seq), (SELECT last_seq FROM conversations WHERE id = @id) FROM messages WHERE conversation_id = @id", connection);
        count.Parameters.AddWithValue("id", conversation);
        await using var reader = await count.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        Assert.Equal((41L, 41L, 41L, 41L), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
    }

    /// <summary>
    /// Another transaction holds one conversation, as another node's writer does while it commits: a batch stores the
    /// messages of the other conversations at once and the held one's as soon as it is free, in order, instead of
    /// holding them all up (the shared lock made two nodes' writers take turns).
    /// </summary>
    [Fact]
    public async Task A_batch_stores_what_it_can_while_another_transaction_holds_one_conversation()
    {
        var ct = TestContext.Current.CancellationToken;
        var alice = await TestUser.RegisterAsync(Chat);
        var bob = await TestUser.RegisterAsync(Chat);
        var carol = await TestUser.RegisterAsync(Chat);
        var gate = await Conversations.DirectAsync(Chat, alice, bob);
        var held = await Conversations.DirectAsync(Chat, alice, carol);
        var free = await Conversations.DirectAsync(Chat, bob, carol);
        await using var dataSource = NpgsqlDataSource.Create(await Chat.ConnectionStringAsync("chatdb"));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await Chat.ConnectionStringAsync("redis"));
        await using var fanout = new MessageFanout(redis, new RecipientNodes(redis), TestMeters.Factory, NullLogger<MessageFanout>.Instance);
        await using var store = new MessageStore(dataSource, fanout, TimeProvider.System, Options.Create(new GroupCommitOptions { Writers = 1 }));
        NewMessage To(Guid conversation, TestUser sender, string clientMessageId) =>
            new(conversation, sender.Id, sender.Tokens.DeviceId, clientMessageId, MessageKind.Text, $"content of {clientMessageId}");

        // First the writer is made to wait for a held conversation (the first batch puts its message off, the next
        // waits for its lock), so that the next sends queue behind it and share the batch that follows.
        await using var gateLock = await HeldConversation.HoldAsync(dataSource, gate, ct);
        var gateSend = store.AppendAsync(To(gate, alice, "gate"), ct);
        await Eventually.HoldsAsync(async () => await WaitingForLocksAsync(dataSource, ct) > 0, TimeSpan.FromSeconds(10), () => "no writer waiting for a lock");

        await using var heldLock = await HeldConversation.HoldAsync(dataSource, held, ct);
        var heldSends = new[] { To(held, alice, "held-1"), To(held, carol, "held-2") }.Select(m => store.AppendAsync(m, ct)).ToList();
        var freeSend = store.AppendAsync(To(free, bob, "free"), ct);
        var missingSend = store.AppendAsync(To(Guid.NewGuid(), bob, "missing"), ct);
        await gateLock.DisposeAsync();
        Assert.Equal(1, (await gateSend.WaitAsync(TimeSpan.FromSeconds(10), ct)).Event!.Seq);

        var stored = await freeSend.WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.Equal(1, stored.Event!.Seq);
        // A conversation that does not exist is not taken for a held one: its sender hears why at once.
        Assert.Equal("conversation_not_found", (await missingSend.WaitAsync(TimeSpan.FromSeconds(10), ct)).Error?.Code);
        Assert.All(heldSends, send => Assert.False(send.IsCompleted));

        await heldLock.DisposeAsync();
        var heldResults = await Task.WhenAll(heldSends).WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.All(heldResults, r => Assert.Null(r.Error));
        Assert.Equal(new long[] { 1, 2 }, heldResults.Select(r => r.Event!.Seq));
    }

    /// <summary>A conversation's row locked in a transaction of its own, as a commit in progress holds it, until disposed.</summary>
    private sealed class HeldConversation(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public static async Task<HeldConversation> HoldAsync(NpgsqlDataSource dataSource, Guid conversation, CancellationToken ct)
        {
            var connection = await dataSource.OpenConnectionAsync(ct);
            var transaction = await connection.BeginTransactionAsync(ct);
            await using var command = new NpgsqlCommand("SELECT 1 FROM conversations WHERE id = @id FOR UPDATE", connection, transaction);
            command.Parameters.AddWithValue("id", conversation);
            await command.ExecuteScalarAsync(ct);
            return new HeldConversation(connection, transaction);
        }

        /// <summary>Rolls back, which frees the row; disposing twice is harmless.</summary>
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private static async Task<long> WaitingForLocksAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
