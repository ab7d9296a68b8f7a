using System.Diagnostics;
using Chat.Data.Conversations;
using Chat.Data.Push;
using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Chat.Messaging.Fanout;
using Chat.Messaging.Redis;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Messaging.Messages;

/// <summary>
/// Appends events to a conversation's sequence. The seq comes from incrementing the conversation's
/// <c>last_seq</c> in the same transaction as the insert: concurrent senders queue on that row, and a rolled-back
/// insert rolls the increment back too, so seqs are 1, 2, 3... with no gap. A unique index on
/// (sender, clientMessageId) makes a resend, on any node, find the first message instead of storing a second.
/// Each stored event is handed to the fan-out as soon as its transaction commits, in seq order.
/// </summary>
public sealed partial class MessageStore(NpgsqlDataSource dataSource, MessageFanout fanout, TimeProvider time, IOptions<GroupCommitOptions> groupCommit)
{
    /// <summary>
    /// The CTE <c>next</c>: the conversation's next seq, taken only while <c>@sender_id</c> may post there
    /// (<see cref="Membership.MayPostSql"/>; no row otherwise). A property: both halves of this class build statements from it (see below).
    /// </summary>
    private static string NextSeqSql => $"""
        WITH next AS (
            UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = @sent_at
            WHERE id = @conversation_id AND {Membership.MayPostSql("@conversation_id", "@sender_id")}
            RETURNING last_seq)
        """;

    private static readonly string InsertSql = $"""
        {NextSeqSql}
        INSERT INTO messages ({MessageEventReader.Columns})
        SELECT @id, @conversation_id, next.last_seq, @kind, @sender_id, @sender_device_id, @client_message_id, @content, @target_message_id, @sent_at, NULL, @attachment_id
        FROM next
        ON CONFLICT (sender_id, client_message_id) DO NOTHING
        RETURNING seq
        """;

    /// <summary>
    /// Whether another member of conversation <c>s.conversation_id</c> has a device that push notifications reach:
    /// only then does a new message from <c>s.sender_id</c> need a push-outbox entry. Members whose clients never
    /// registered a push token (a browser, the benchmark's devices) cost the worker nothing. A token registered
    /// while a message commits may miss that one message; its device is online as it registers.
    /// </summary>
    /// <remarks>A property, not a field: the statements of both halves of this class are built from it, and the
    /// order in which two files' field initialisers run is not defined.</remarks>
    private static string PushReachesAnotherMemberSql => $"""
        EXISTS (SELECT 1 FROM conversation_members pm JOIN devices pd ON pd.user_id = pm.user_id
                WHERE pm.conversation_id = s.conversation_id AND pm.user_id <> s.sender_id AND {Membership.CurrentSql("pm")}
                  AND pd.revoked_at IS NULL AND pd.push_token IS NOT NULL)
        """;

    /// <summary>Only a stored text or attachment message (not a resend, edit or delete) notifies offline devices.</summary>
    private static readonly string OutboxSql = $"""
        INSERT INTO push_outbox (kind, conversation_id, message_id, user_id, created_at, trace_parent)
        SELECT {(int)PushKind.Message}, s.conversation_id, @id, s.sender_id, @sent_at, @trace_parent
        FROM (SELECT @conversation_id AS conversation_id, @sender_id AS sender_id) s
        WHERE @kind IN ({(int)MessageKind.Text}, {(int)MessageKind.Attachment}) AND EXISTS (SELECT 1 FROM messages WHERE id = @id) AND {PushReachesAnotherMemberSql}
        """;

    /// <summary>Who a committed event goes to: the conversation's current members, read in the event's transaction.</summary>
    private static readonly string RecipientsSql = Membership.CurrentMembersSql("@conversation_id");

    /// <summary>Appends an event: a new text message by group commit, an edit or delete on its own.</summary>
    public Task<SendResult> AppendAsync(NewMessage message, CancellationToken cancellationToken)
    {
        if (message.Kind == MessageKind.Text && message.TargetMessageId is null)
        {
            var (id, sentAt) = NewIdentity();
            return GroupCommitAsync(message, id, sentAt, cancellationToken);
        }

        return AppendOneAsync(message, cancellationToken);
    }

    /// <summary>PostgreSQL keeps microseconds: the first acknowledgement must equal the one a resend reads back.</summary>
    private (Guid Id, DateTimeOffset SentAt) NewIdentity()
    {
        var now = time.GetUtcNow();
        var sentAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        return (Guid.CreateVersion7(sentAt), sentAt);
    }

    private async Task<SendResult> AppendOneAsync(NewMessage message, CancellationToken cancellationToken)
    {
        var (id, sentAt) = NewIdentity();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        if (message.AttachmentId is { } attachmentId
            && await LockAttachmentAsync(connection, message, attachmentId, cancellationToken) is { } attachmentError)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await ExplainAsync(connection, message, attachmentError, cancellationToken);
        }

        if (message.TargetMessageId is { } targetId)
        {
            var targetError = await LockTargetAsync(connection, message, targetId, cancellationToken);
            if (targetError is not null)
            {
                await transaction.RollbackAsync(cancellationToken);
                return await ExplainAsync(connection, message, targetError, cancellationToken);
            }
        }

        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { Command(InsertSql, message, id, sentAt), Command(RecipientsSql, message), Command(OutboxSql, message, id, sentAt) },
        };
        long? seq = null;
        var recipients = new List<Guid>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                seq = reader.GetInt64(0);
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                recipients.Add(reader.GetGuid(0));
            }
        }

        if (seq is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await ExplainAsync(connection, message, null, cancellationToken);
        }

        if (message.TargetMessageId is { } target)
        {
            await ApplyToTargetAsync(connection, transaction, message, target, cancellationToken);
        }

        if (message.AttachmentId is { } attached)
        {
            await AttachAsync(connection, transaction, attached, id, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        var stored = Stored(message, id, seq.Value, sentAt, recipients);
        fanout.Publish(new FanoutEnvelope(stored.Event!, recipients, Activity.Current?.Id));
        return stored;
    }

    /// <summary>The outcome of a committed append: the event as it was stored (a delete keeps no content).</summary>
    private static SendResult Stored(NewMessage message, Guid id, long seq, DateTimeOffset sentAt, IReadOnlyList<Guid> recipients) =>
        new(new MessageEvent(id, message.ConversationId, seq, message.Kind.WireName(), message.SenderId, message.SenderDeviceId, message.ClientMessageId,
                message.Kind == MessageKind.Delete ? null : message.Content, message.TargetMessageId, sentAt, AttachmentId: message.AttachmentId),
            recipients, Duplicate: false, Error: null);

    /// <summary>
    /// Only a current member may edit or delete (asked first, so an outsider learns nothing of the message), only
    /// the sender, only a text message of the same conversation (or, to delete, an attachment message), and not
    /// once deleted.
    /// </summary>
    private static async Task<ChatError?> LockTargetAsync(NpgsqlConnection connection, NewMessage message, Guid targetId, CancellationToken cancellationToken)
    {
        await using (var membership = new NpgsqlCommand($"SELECT {Membership.IsCurrentMemberSql("@conversation_id", "@sender_id")}", connection))
        {
            membership.Parameters.AddWithValue("conversation_id", message.ConversationId);
            membership.Parameters.AddWithValue("sender_id", message.SenderId);
            if (await membership.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return ChatErrors.NotMember;
            }
        }

        await using var command = new NpgsqlCommand(
            "SELECT sender_id, content IS NULL FROM messages WHERE id = @id AND conversation_id = @conversation_id AND kind = ANY(@kinds) FOR UPDATE", connection);
        command.Parameters.AddWithValue("id", targetId);
        command.Parameters.AddWithValue("conversation_id", message.ConversationId);
        // An attachment message may be deleted, not edited: its text describes its file (and holds its key).
        command.Parameters.AddWithValue("kinds", message.Kind == MessageKind.Delete
            ? new[] { (int)MessageKind.Text, (int)MessageKind.Attachment }
            : [(int)MessageKind.Text]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return ChatErrors.TargetNotFound;
        }

        return reader.GetGuid(0) != message.SenderId ? ChatErrors.NotSender
            : reader.GetBoolean(1) ? ChatErrors.TargetDeleted
            : null;
    }

    /// <summary>
    /// An edit replaces the stored content, keeping the first for those who left before it; a delete erases every
    /// version, from the message and from its edits, and marks its attachment for the worker to delete.
    /// </summary>
    private static async Task ApplyToTargetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NewMessage message, Guid targetId, CancellationToken cancellationToken)
    {
        var sql = message.Kind == MessageKind.Edit
            ? "UPDATE messages SET original_content = COALESCE(original_content, content), content = @content WHERE id = @target"
            : "UPDATE messages SET content = NULL, original_content = NULL WHERE id = @target OR (target_message_id = @target AND kind = @edit)";
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("target", targetId);
        command.Parameters.AddWithValue("content", (object?)message.Content ?? DBNull.Value);
        command.Parameters.AddWithValue("edit", (int)MessageKind.Edit);
        await command.ExecuteNonQueryAsync(cancellationToken);
        if (message.Kind == MessageKind.Delete)
        {
            await using var attachment = new NpgsqlCommand("UPDATE attachments SET deleted_at = now() WHERE message_id = @target AND deleted_at IS NULL", connection, transaction);
            attachment.Parameters.AddWithValue("target", targetId);
            await attachment.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Nothing was stored: either this is a resend of a stored message, or the caller may not write here.</summary>
    private static async Task<SendResult> ExplainAsync(NpgsqlConnection connection, NewMessage message, ChatError? otherwise, CancellationToken cancellationToken)
    {
        await using (var resend = new NpgsqlCommand($"SELECT {MessageEventReader.Columns} FROM messages WHERE sender_id = @sender_id AND client_message_id = @client_message_id", connection))
        {
            resend.Parameters.AddWithValue("sender_id", message.SenderId);
            resend.Parameters.AddWithValue("client_message_id", message.ClientMessageId);
            await using var reader = await resend.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                var first = MessageEventReader.Read(reader);
                return first.ConversationId == message.ConversationId
                    ? new SendResult(first, [], Duplicate: true, Error: null)
                    : SendResult.Failed(ChatErrors.ClientMessageIdReused);
            }
        }

        if (otherwise is not null)
        {
            return SendResult.Failed(otherwise);
        }

        await using var access = new NpgsqlCommand(Membership.AccessSql("@conversation_id", "@sender_id"), connection);
        access.Parameters.AddWithValue("conversation_id", message.ConversationId);
        access.Parameters.AddWithValue("sender_id", message.SenderId);
        await using var verdict = await access.ExecuteReaderAsync(cancellationToken);
        await verdict.ReadAsync(cancellationToken);
        // Refused by the statement, so refused here too, unless what refused it changed in between: then say so.
        return SendResult.Failed(Membership.RefusalOf(verdict) ?? ChatErrors.NotMember);
    }

    private static NpgsqlBatchCommand Command(string sql, NewMessage message, Guid? id = null, DateTimeOffset? sentAt = null)
    {
        var command = new NpgsqlBatchCommand(sql);
        AddParameters(command.Parameters, message, id, sentAt);
        return command;
    }

    /// <summary>The parameters of the statements above: the conversation and sender, and with an id, the whole event.</summary>
    private static void AddParameters(NpgsqlParameterCollection parameters, NewMessage message, Guid? id = null, DateTimeOffset? sentAt = null)
    {
        parameters.AddWithValue("conversation_id", message.ConversationId);
        parameters.AddWithValue("sender_id", message.SenderId);
        if (id is not null)
        {
            parameters.AddWithValue("id", id.Value);
            parameters.AddWithValue("kind", (int)message.Kind);
            parameters.AddWithValue("sender_device_id", message.SenderDeviceId);
            parameters.AddWithValue("client_message_id", message.ClientMessageId);
            parameters.Add(new NpgsqlParameter("content", NpgsqlDbType.Text) { Value = message.Kind == MessageKind.Delete ? DBNull.Value : (object?)message.Content ?? DBNull.Value });
            parameters.Add(new NpgsqlParameter("target_message_id", NpgsqlDbType.Uuid) { Value = (object?)message.TargetMessageId ?? DBNull.Value });
            parameters.AddWithValue("sent_at", sentAt!.Value);
            parameters.Add(new NpgsqlParameter("attachment_id", NpgsqlDbType.Uuid) { Value = (object?)message.AttachmentId ?? DBNull.Value });
            parameters.Add(MessagingTelemetry.TraceParentParameter());
        }
    }
}
