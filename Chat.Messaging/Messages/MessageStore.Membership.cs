using System.Diagnostics;
using Chat.Data.Conversations;
using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Chat.Messaging.Redis;
using Npgsql;

namespace Chat.Messaging.Messages;

public sealed partial class MessageStore
{
    private static readonly string MembershipEventSql = $"""
        {NextSeqSql}
        INSERT INTO messages ({MessageEventReader.Columns})
        SELECT @id, @conversation_id, next.last_seq, @kind, @sender_id, @sender_device_id, @client_message_id, NULL, NULL, @sent_at, @member_id, NULL
        FROM next
        RETURNING seq
        """;

    /// <summary>A member added anew, or back after leaving: a current member row, seeing everything from here on.</summary>
    private const string JoinSql = """
        INSERT INTO conversation_members (conversation_id, user_id, role, joined_at, delivered_seq, read_seq)
        VALUES (@conversation_id, @member_id, 0, @sent_at, 0, 0)
        ON CONFLICT (conversation_id, user_id) DO UPDATE SET left_seq = NULL, role = 0, joined_at = @sent_at
        WHERE conversation_members.left_seq IS NOT NULL
        RETURNING 1
        """;

    /// <summary>The member keeps what was sent up to and including their own removal event, and sees nothing after.</summary>
    private const string LeaveSql = """
        UPDATE conversation_members SET left_seq = @seq
        WHERE conversation_id = @conversation_id AND user_id = @member_id AND left_seq IS NULL
        RETURNING 1
        """;

    /// <summary>
    /// Adds, removes or lets go of a member, and records it as a sequenced event in the same transaction: every
    /// member (the one leaving included) learns of it in seq order, live and by Sync, and knows from it when to
    /// replace the keys they encrypt with. Who may make the change is the caller's to decide.
    /// </summary>
    /// <returns>The event; <see cref="ChatErrors.NotMember"/> when the actor is no member, or null when there was nothing to
    /// change (the member was already in, or already out).</returns>
    public async Task<Outcome<MessageEvent?>> ChangeMembershipAsync(Guid conversationId, Guid actorId, Guid actorDeviceId, MessageKind change,
        Guid memberId, CancellationToken cancellationToken)
    {
        if (change is not (MessageKind.MemberAdded or MessageKind.MemberRemoved or MessageKind.MemberLeft))
        {
            throw new ArgumentOutOfRangeException(nameof(change), change, "Not a membership change.");
        }

        var (id, sentAt) = NewIdentity();
        var message = new NewMessage(conversationId, actorId, actorDeviceId, $"member-{id:N}", change, null);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using var insert = new NpgsqlCommand(MembershipEventSql, connection, transaction);
        AddParameters(insert.Parameters, message, id, sentAt);
        insert.Parameters.AddWithValue("member_id", memberId);
        if (await insert.ExecuteScalarAsync(cancellationToken) is not long seq)
        {
            return ChatErrors.NotMember;
        }

        await using var update = new NpgsqlCommand(change == MessageKind.MemberAdded ? JoinSql : LeaveSql, connection, transaction);
        update.Parameters.AddWithValue("conversation_id", conversationId);
        update.Parameters.AddWithValue("member_id", memberId);
        update.Parameters.AddWithValue("sent_at", sentAt);
        update.Parameters.AddWithValue("seq", seq);
        if (await update.ExecuteScalarAsync(cancellationToken) is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return (MessageEvent?)null;
        }

        var recipients = new List<Guid>();
        await using (var members = new NpgsqlCommand(RecipientsSql, connection, transaction))
        {
            members.Parameters.AddWithValue("conversation_id", conversationId);
            await using var reader = await members.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                recipients.Add(reader.GetGuid(0));
            }
        }

        if (change != MessageKind.MemberAdded)
        {
            recipients.Add(memberId);
        }

        await transaction.CommitAsync(cancellationToken);
        var stored = new MessageEvent(id, conversationId, seq, change.WireName(), actorId, actorDeviceId, message.ClientMessageId, null, null, sentAt, memberId);
        fanout.Publish(new FanoutEnvelope(stored, recipients, Activity.Current?.Id));
        return stored;
    }
}
