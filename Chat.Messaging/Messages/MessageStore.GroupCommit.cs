using System.Diagnostics;
using System.Threading.Channels;
using Chat.Data.Conversations;
using Chat.Data.Push;
using Chat.Messaging.Conversations;
using Chat.Messaging.Fanout;
using Chat.Messaging.Redis;
using Npgsql;

namespace Chat.Messaging.Messages;

/// <summary>
/// Group commit for new text messages: the messages that arrive while a writer's transaction commits go together in the
/// writer's next, so one round trip, one statement and one WAL flush serve many senders, and nobody is acknowledged
/// before the commit. Each message still takes its seq from its conversation's row in the same transaction. A batch
/// does not wait for a conversation another transaction holds: it puts that conversation's messages off to its next
/// batch. A message the batch does not store (a resend, a sender who is not a member) takes the one-by-one path,
/// which explains it.
/// </summary>
public sealed partial class MessageStore : IAsyncDisposable
{
    /// <summary>At most this many messages share a transaction; more waiting go in the next.</summary>
    public const int MaxGroupCommit = 256;

    /// <summary>
    /// A message put off this many times, or by a batch that stored nothing, waits for its conversation in the next batch.
    /// </summary>
    private const int MaxPutOff = 3;

    /// <summary>
    /// Waits for the conversations of the messages earlier batches put off (<see cref="AppendBatchSql"/>), in id
    /// order, before the batch takes any other: the only conversation rows a batch waits for, so two writers never
    /// wait for each other's in a cycle. A statement of its own, so the batch statement's snapshot is taken after
    /// these locks and sees whatever their last holders committed.
    /// </summary>
    private const string WaitForConversationsSql =
        "SELECT count(*) FROM (SELECT 1 FROM conversations WHERE id = ANY(@conversation_ids) ORDER BY id FOR NO KEY UPDATE) waited";

    /// <summary>
    /// The whole batch in one statement. It locks the batch's conversations that no other transaction holds, in id
    /// order, and leaves the others' messages for the next batch: another node's writer holds a conversation until
    /// its commit, two nodes' writers share every conversation whose members are spread over both, and waiting here
    /// would hold up every other message of the batch. It leaves too a conversation whose row changed after the
    /// statement's snapshot was taken (committed while this statement ran, which the lock then reads in its newest
    /// version): the membership and resend checks below read that snapshot, and must see what the lock saw. Of the
    /// conversations ready, it keeps the messages whose sender may post and which are not resends (of a stored
    /// message, or of one earlier in the batch: two would break the unique index and fail everyone's batch),
    /// numbers them per conversation in arrival order after the conversation's last seq, advances each
    /// conversation once, and stores them and the push-outbox rows of those that may need a push. Returns, unordered,
    /// a row for each message of the batch with its position (from 1): its seq if stored, whether its conversation
    /// was ready, whether it exists, and when it last had an event; and a row for each current member of each
    /// conversation it advanced, with no position: the recipients (conversation, user). Those are read in the
    /// statement's snapshot, which the lock and the version check make the members at the seqs just given: joining
    /// and leaving advance the conversation in the same transaction. Unordered, because a batch of a 1,000-member
    /// group's messages has a recipient row for each member.
    /// </summary>
    private static readonly string AppendBatchSql = $"""
        WITH locked AS MATERIALIZED (
            SELECT id, xmin AS version, last_activity_at FROM conversations WHERE id = ANY(@conversation_ids) ORDER BY id FOR NO KEY UPDATE SKIP LOCKED),
        states AS MATERIALIZED (
            SELECT c.id, coalesce(l.version = c.xmin, false) AS ready, l.last_activity_at
            FROM conversations c LEFT JOIN locked l ON l.id = c.id
            WHERE c.id = ANY(@conversation_ids)),
        batch AS (
            SELECT * FROM unnest(@ids, @conversation_ids, @sender_ids, @sender_device_ids, @client_message_ids, @contents, @sent_ats, @trace_parents)
                WITH ORDINALITY AS b(id, conversation_id, sender_id, sender_device_id, client_message_id, content, sent_at, trace_parent, position)),
        first_sends AS (
            SELECT DISTINCT ON (sender_id, client_message_id) * FROM batch
            WHERE conversation_id IN (SELECT id FROM states WHERE ready)
            ORDER BY sender_id, client_message_id, position),
        accepted AS (
            SELECT b.*, row_number() OVER (PARTITION BY b.conversation_id ORDER BY b.position) AS offset_in_conversation
            FROM first_sends b
            WHERE {Membership.MayPostSql("b.conversation_id", "b.sender_id")}
              AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.sender_id = b.sender_id AND m.client_message_id = b.client_message_id)),
        advanced AS (
            UPDATE conversations c SET last_seq = c.last_seq + a.count, last_activity_at = a.last_sent_at
            FROM (SELECT conversation_id, count(*) AS count, max(sent_at) AS last_sent_at FROM accepted GROUP BY conversation_id) a
            WHERE c.id = a.conversation_id
            RETURNING c.id, c.last_seq - a.count AS seq_before),
        stored AS (
            INSERT INTO messages (id, conversation_id, seq, kind, sender_id, sender_device_id, client_message_id, content, sent_at)
            SELECT a.id, a.conversation_id, v.seq_before + a.offset_in_conversation, @kind, a.sender_id, a.sender_device_id, a.client_message_id, a.content, a.sent_at
            FROM accepted a JOIN advanced v ON v.id = a.conversation_id
            RETURNING id, conversation_id, seq, sender_id, sent_at),
        outbox AS (
            INSERT INTO push_outbox (kind, conversation_id, message_id, user_id, created_at, trace_parent)
            SELECT {(int)PushKind.Message}, s.conversation_id, s.id, s.sender_id, s.sent_at, a.trace_parent
            FROM stored s JOIN accepted a ON a.id = s.id WHERE {PushReachesAnotherMemberSql})
        SELECT b.position, s.seq, coalesce(st.ready, false), st.id IS NOT NULL, st.last_activity_at, NULL::uuid, NULL::uuid
        FROM batch b LEFT JOIN stored s ON s.id = b.id LEFT JOIN states st ON st.id = b.conversation_id
        UNION ALL
        SELECT NULL, NULL, NULL, NULL, NULL, m.conversation_id, m.user_id
        FROM conversation_members m WHERE m.conversation_id IN (SELECT id FROM advanced) AND {Membership.CurrentSql("m")}
        """;

    /// <param name="Sender">The send's span, which the batch's span links to and the fan-out carries to the nodes.</param>
    private sealed record Pending(NewMessage Message, Guid Id, DateTimeOffset SentAt, Activity? Sender, TaskCompletionSource<SendResult> Result)
    {
        /// <summary>How many batches found its conversation held and left it for the next.</summary>
        public int PutOff { get; set; }
    }

    /// <summary>The writers (<see cref="GroupCommitOptions.Writers"/>); a conversation always goes to the same one, which keeps its messages in arrival order.</summary>
    private readonly GroupCommitWriter[] _writers = Enumerable.Range(0, groupCommit.Value.Writers).Select(_ => new GroupCommitWriter()).ToArray();

    private Task[]? _groupCommitLoops;

    /// <summary>
    /// A writer's queue and its own session: a batch is one round trip on a connection the writer keeps, without
    /// the pool's reset of the session before every batch. A failed batch drops the connection; the next opens one.
    /// </summary>
    private sealed class GroupCommitWriter
    {
        public Channel<Pending> Queue { get; } = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

        public NpgsqlConnection? Connection { get; set; }

        public async ValueTask DropConnectionAsync()
        {
            if (Connection is { } connection)
            {
                Connection = null;
                await connection.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers)
        {
            writer.Queue.Writer.TryComplete();
        }

        if (_groupCommitLoops is not null)
        {
            await Task.WhenAll(_groupCommitLoops);
        }

        foreach (var writer in _writers)
        {
            await writer.DropConnectionAsync();
        }
    }

    private Task<SendResult> GroupCommitAsync(NewMessage message, Guid id, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        if (_groupCommitLoops is null)
        {
            lock (_writers)
            {
                _groupCommitLoops ??= _writers.Select(writer => BatchLoop.Start<Pending>(writer.Queue.Reader, MaxGroupCommit, batch => WriteGroupAsync(writer, batch))).ToArray();
            }
        }

        // Completed by the writer after the commit, which runs each sender's continuation (the hub's answer, written
        // to its connection's pipe) right there instead of queueing one thread-pool item per message: at light load
        // each hand-off is a thread woken for a few microseconds of work. A continuation that has to wait (a full
        // pipe) gives the writer back at its first await.
        var pending = new Pending(message, id, sentAt, Activity.Current, new TaskCompletionSource<SendResult>());
        var writer = _writers[(int)((uint)message.ConversationId.GetHashCode() % (uint)_writers.Length)];
        if (!writer.Queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(MessageStore));
        }

        // A caller that gives up stops waiting; its message may still be committed, as with any commit in flight.
        return pending.Result.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Commits a batch, and answers alone the messages it could not store; returns those it put off, which the next
    /// batch begins with (<see cref="BatchLoop"/>), so each conversation's messages keep their order.
    /// </summary>
    private async Task<IReadOnlyList<Pending>> WriteGroupAsync(GroupCommitWriter writer, List<Pending> batch)
    {
        // One span per batch, in the trace of its first send and linked to every other send's span, so each message's
        // trace leads to the commit that stored it; at light load, where a batch is one message, it is in it.
        var senders = batch.Where(p => p.Sender is not null).Select(p => p.Sender!.Context).ToList();
        using var activity = MessagingTelemetry.Source.StartActivity(ActivityKind.Internal, senders.FirstOrDefault(),
            links: senders.Skip(1).Select(context => new ActivityLink(context)), name: "commit message batch");
        activity?.SetTag("chat.batch_size", batch.Count);
        List<Pending> putOff, alone;
        try
        {
            (putOff, alone) = await CommitGroupAsync(writer, batch);
        }
        catch (Exception)
        {
            // The batch was rolled back (a lost connection, a resend committed by another node meanwhile, anything):
            // the loop must go on, and each message tries alone, so each caller gets its own outcome.
            await writer.DropConnectionAsync();
            putOff = [];
            alone = batch.Where(p => !p.Result.Task.IsCompleted).ToList();
        }

        // Each conversation's one after another, so their seqs keep the order of arrival.
        await Task.WhenAll(alone.GroupBy(p => p.Message.ConversationId).Select(async conversation =>
        {
            foreach (var pending in conversation)
            {
                await AppendAloneAsync(pending);
            }
        }));
        return putOff;
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

    /// <summary>
    /// Commits the messages of the batch that can be stored as they are and completes their results. Returns those
    /// it put off, whose conversation another transaction holds or has just changed, and the others it left
    /// untouched (a resend, a sender who may not post, a conversation that does not exist).
    /// </summary>
    private async Task<(List<Pending> PutOff, List<Pending> NotStored)> CommitGroupAsync(GroupCommitWriter writer, List<Pending> batch)
    {
        var conversationIds = batch.Select(p => p.Message.ConversationId).ToArray();
        var waitFor = batch.Where(p => p.PutOff >= MaxPutOff).Select(p => p.Message.ConversationId).Distinct().ToArray();
        writer.Connection ??= await dataSource.OpenConnectionAsync();

        // No explicit transaction: the statements of one batch, sent together, run in PostgreSQL's implicit
        // transaction, which commits when the server has answered them all (before the reader below is done), so
        // the whole batch is one round trip. An error in any statement rolls back every one.
        await using var command = new NpgsqlBatch(writer.Connection);
        if (waitFor.Length > 0)
        {
            command.BatchCommands.Add(new NpgsqlBatchCommand(WaitForConversationsSql) { Parameters = { new NpgsqlParameter<Guid[]>("conversation_ids", waitFor) } });
        }

        command.BatchCommands.Add(new NpgsqlBatchCommand(AppendBatchSql)
        {
            Parameters =
            {
                ArrayOf("ids", batch, p => p.Id),
                new NpgsqlParameter<Guid[]>("conversation_ids", conversationIds),
                ArrayOf("sender_ids", batch, p => p.Message.SenderId),
                ArrayOf("sender_device_ids", batch, p => p.Message.SenderDeviceId),
                ArrayOf("client_message_ids", batch, p => p.Message.ClientMessageId),
                ArrayOf("contents", batch, p => p.Message.Content),
                ArrayOf("sent_ats", batch, p => p.SentAt),
                ArrayOf("trace_parents", batch, p => p.Sender?.Id),
                new("kind", (int)MessageKind.Text),
            },
        });

        // Prepared once per pooled connection: the plan of the batch statement is the expensive part to redo.
        await command.PrepareAsync();
        var outcomes = new (long? Seq, bool Ready, bool Exists, DateTimeOffset? LastActivity)[batch.Count];
        var recipients = new Dictionary<Guid, List<Guid>>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            if (waitFor.Length > 0)
            {
                await reader.NextResultAsync();
            }

            while (await reader.ReadAsync())
            {
                if (!reader.IsDBNull(0))
                {
                    outcomes[reader.GetInt64(0) - 1] = (reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetBoolean(2), reader.GetBoolean(3),
                        reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4));
                    continue;
                }

                var conversationId = reader.GetGuid(5);
                if (!recipients.TryGetValue(conversationId, out var members))
                {
                    recipients[conversationId] = members = [];
                }

                members.Add(reader.GetGuid(6));
            }
        }

        // Published in batch order, which is each conversation's seq order, before any sender hears back: the
        // nodes receive a conversation's events in order and nobody waits for Redis.
        var notStored = new List<Pending>();
        var putOff = new List<Pending>();
        var stored = new List<(Pending Pending, SendResult Result)>(batch.Count);
        var lastActivity = new Dictionary<Guid, DateTimeOffset>();
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            var conversationId = pending.Message.ConversationId;
            var (seq, ready, exists, lastActivityBefore) = outcomes[i];
            if (seq is { } storedSeq)
            {
                var members = recipients[conversationId];
                var result = Stored(pending.Message, pending.Id, storedSeq, pending.SentAt, members);
                DateTimeOffset? predecessorSentAt = lastActivity.TryGetValue(conversationId, out var previous) ? previous : lastActivityBefore;
                fanout.Publish(new FanoutEnvelope(result.Event!, members, pending.Sender?.Id, predecessorSentAt));
                lastActivity[conversationId] = pending.SentAt;
                stored.Add((pending, result));
            }
            else if (exists && !ready && !waitFor.Contains(conversationId))
            {
                // Another transaction holds the conversation (another node's batch, an edit) or has just changed it:
                // the next batch tries again.
                pending.PutOff++;
                putOff.Add(pending);
            }
            else
            {
                notStored.Add(pending);
            }
        }

        if (stored.Count == 0)
        {
            // Trying their conversations again at once would only spin: the next batch waits for them.
            putOff.ForEach(p => p.PutOff = MaxPutOff);
        }

        stored.ForEach(s => s.Pending.Result.TrySetResult(s.Result));
        return (putOff, notStored);
    }

    private static NpgsqlParameter<T[]> ArrayOf<T>(string name, List<Pending> batch, Func<Pending, T> value) =>
        new(name, batch.Select(value).ToArray());
}
