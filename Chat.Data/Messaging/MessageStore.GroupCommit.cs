using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Data.Messaging;

/// <summary>
/// Group commit for new text messages: the messages that arrive while a writer's transaction commits go together in the
/// writer's next, so one round trip and one WAL flush serve many senders, and nobody is acknowledged before the commit.
/// Each message still takes its own seq from its conversation's row in the same transaction. Batches lock
/// conversation rows in id order, so two batches (two processes) cannot deadlock. A batch in which any message is
/// not stored (a resend, a sender who is not a member) is rolled back: those messages take the one-by-one path,
/// which explains them, and the rest are written again.
/// </summary>
public sealed partial class MessageStore : IAsyncDisposable
{
    /// <summary>At most this many messages share a transaction; more waiting go in the next.</summary>
    public const int MaxGroupCommit = 256;

    private const string OutboxBatchSql = """
        INSERT INTO push_outbox (kind, conversation_id, message_id, user_id, created_at)
        SELECT 1, x.conversation_id, x.message_id, x.user_id, x.created_at
        FROM unnest(@conversation_ids, @message_ids, @user_ids, @created_ats) AS x(conversation_id, message_id, user_id, created_at)
        """;

    /// <param name="Sender">The trace context of the send, which the batch's span links to.</param>
    private sealed record Pending(NewMessage Message, Guid Id, DateTimeOffset SentAt, ActivityContext Sender, TaskCompletionSource<MessageStoreResult> Result);

    /// <summary>
    /// Writers that commit side by side, so that more than one PostgreSQL backend works at a time. A conversation
    /// always goes to the same writer, which keeps its messages in arrival order.
    /// </summary>
    private static readonly int GroupCommitWriters = Math.Clamp(Environment.ProcessorCount * 2, 2, 8);

    private readonly Channel<Pending>[] _groupCommitQueues = Enumerable.Range(0, GroupCommitWriters)
        .Select(_ => Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true })).ToArray();

    private Task[]? _groupCommitLoops;

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _groupCommitQueues)
        {
            queue.Writer.TryComplete();
        }

        if (_groupCommitLoops is not null)
        {
            await Task.WhenAll(_groupCommitLoops);
        }
    }

    private Task<MessageStoreResult> GroupCommitAsync(NewMessage message, Guid id, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        if (_groupCommitLoops is null)
        {
            lock (_groupCommitQueues)
            {
                _groupCommitLoops ??= _groupCommitQueues.Select(queue => Task.Run(() => GroupCommitLoopAsync(queue.Reader), CancellationToken.None)).ToArray();
            }
        }

        var pending = new Pending(message, id, sentAt, Activity.Current?.Context ?? default,
            new TaskCompletionSource<MessageStoreResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        var queue = _groupCommitQueues[(int)((uint)message.ConversationId.GetHashCode() % (uint)_groupCommitQueues.Length)];
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(MessageStore));
        }

        // A caller that gives up stops waiting; its message may still be committed, as with any commit in flight.
        return pending.Result.Task.WaitAsync(cancellationToken);
    }

    private async Task GroupCommitLoopAsync(ChannelReader<Pending> reader)
    {
        // The loop serves every sender: it must not stay in the trace of the send that happened to start it.
        Activity.Current = null;
        var batch = new List<Pending>(MaxGroupCommit);
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < MaxGroupCommit && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await WriteGroupAsync(batch);
            batch.Clear();
        }
    }

    private async Task WriteGroupAsync(List<Pending> batch)
    {
        // One span per batch, linked to each send's span, so a message's trace leads to the commit that stored it.
        using var activity = MessageSender.Source.StartActivity(ActivityKind.Internal, default,
            links: batch.Where(p => p.Sender != default).Select(p => new ActivityLink(p.Sender)), name: "commit message batch");
        activity?.SetTag("chat.batch_size", batch.Count);
        List<Pending> alone;
        try
        {
            var notStored = await TryCommitGroupAsync(batch);
            alone = notStored.Count == 0 ? [] : [.. notStored, .. await TryCommitGroupAsync(batch.Except(notStored).ToList())];
        }
        catch (Exception)
        {
            // The batch was rolled back (a lost connection, a deadlock with an edit, anything): the loop must go on,
            // and each message tries alone, so each caller gets its own outcome.
            alone = batch.Where(p => !p.Result.Task.IsCompleted).ToList();
        }

        await Task.WhenAll(alone.Select(AppendAloneAsync));
    }

    private async Task AppendAloneAsync(Pending pending)
    {
        try
        {
            pending.Result.TrySetResult(await AppendOneAsync(pending.Message, CancellationToken.None));
        }
        catch (Exception e)
        {
            pending.Result.TrySetException(e);
        }
    }

    /// <summary>Commits the batch if every message is stored, and completes their results; else rolls it back and names those not stored.</summary>
    private async Task<List<Pending>> TryCommitGroupAsync(List<Pending> batch)
    {
        if (batch.Count == 0)
        {
            return [];
        }

        var ordered = batch.OrderBy(p => p.Message.ConversationId).ToList();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlBatch(connection, transaction);
        foreach (var pending in ordered)
        {
            command.BatchCommands.Add(Command(InsertSql, pending.Message, pending.Id, pending.SentAt));
            command.BatchCommands.Add(Command(RecipientsSql, pending.Message));
        }

        command.BatchCommands.Add(new NpgsqlBatchCommand(OutboxBatchSql)
        {
            Parameters =
            {
                new("conversation_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ordered.Select(p => p.Message.ConversationId).ToArray() },
                new("message_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ordered.Select(p => p.Id).ToArray() },
                new("user_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ordered.Select(p => p.Message.SenderId).ToArray() },
                new("created_ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = ordered.Select(p => p.SentAt).ToArray() },
            },
        });

        var stored = new List<(Pending Pending, long Seq, List<Guid> Recipients)>(ordered.Count);
        var notStored = new List<Pending>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            foreach (var pending in ordered)
            {
                long? seq = await reader.ReadAsync() ? reader.GetInt64(0) : null;
                await reader.NextResultAsync();
                var recipients = new List<Guid>();
                while (await reader.ReadAsync())
                {
                    recipients.Add(reader.GetGuid(0));
                }

                await reader.NextResultAsync();
                if (seq is { } s)
                {
                    stored.Add((pending, s, recipients));
                }
                else
                {
                    notStored.Add(pending);
                }
            }
        }

        if (notStored.Count > 0)
        {
            await transaction.RollbackAsync();
            return notStored;
        }

        await transaction.CommitAsync();
        foreach (var (pending, seq, recipients) in stored)
        {
            pending.Result.TrySetResult(Stored(pending.Message, pending.Id, seq, pending.SentAt, recipients));
        }

        return [];
    }
}
