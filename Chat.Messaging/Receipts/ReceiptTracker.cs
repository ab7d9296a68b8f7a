using Chat.Data;
using Chat.Data.Push;
using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Chat.Messaging.Fanout;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Chat.Messaging.Receipts;

/// <summary>
/// Moves a member's delivered and read positions and tells the other members (not while a message request there
/// is unanswered, nor across a block). Positions only move forward, never
/// past the conversation's last event, and read implies delivered. A read also leaves the badge-update row for the
/// reader's offline devices in the push outbox, in the same statement, so one never commits without the other.
/// </summary>
public sealed class ReceiptTracker(ChatDbContext db, NpgsqlDataSource dataSource, UserEventFanout userEvents, TimeProvider time)
{
    public Task<Outcome<long>> MarkDeliveredAsync(Guid conversationId, Guid userId, long seq, CancellationToken cancellationToken) =>
        MarkAsync(conversationId, userId, seq, ReceiptKinds.Delivered, cancellationToken);

    public Task<Outcome<long>> MarkReadAsync(Guid conversationId, Guid userId, long seq, CancellationToken cancellationToken) =>
        MarkAsync(conversationId, userId, seq, ReceiptKinds.Read, cancellationToken);

    /// <summary>Returns the caller's position after the call.</summary>
    private async Task<Outcome<long>> MarkAsync(Guid conversationId, Guid userId, long seq, string kind, CancellationToken cancellationToken)
    {
        var member = await db.ConversationMembers.AsNoTracking().CurrentOf(conversationId, userId)
            .Select(m => new { m.DeliveredSeq, m.ReadSeq, LastSeq = db.Conversations.Where(c => c.Id == conversationId).Select(c => c.LastSeq).Single() })
            .SingleOrDefaultAsync(cancellationToken);
        if (member is null)
        {
            return ChatErrors.NotMember;
        }

        if (seq < 1 || seq > member.LastSeq)
        {
            return ChatErrors.Invalid("seq", $"seq must be between 1 and the conversation's last seq ({member.LastSeq}).");
        }

        var moved = kind == ReceiptKinds.Read
            ? await MoveReadAsync(conversationId, userId, seq, cancellationToken)
            : await db.ConversationMembers.CurrentOf(conversationId, userId).Where(m => m.DeliveredSeq < seq)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.DeliveredSeq, seq), cancellationToken);
        if (moved == 0)
        {
            return kind == ReceiptKinds.Read ? member.ReadSeq : member.DeliveredSeq;
        }

        // A receipt shows that someone is about: none goes out while a message request is unanswered or across a block.
        var (others, refused) = await Membership.LiveOthersAsync(dataSource, conversationId, userId, cancellationToken);
        if (refused is null)
        {
            await userEvents.PublishAsync(ChatEvents.Receipt, new ReceiptEvent(conversationId, userId, kind, seq), others);
        }

        return seq;
    }

    /// <summary>The position and the badge update in one statement: both commit, or neither.</summary>
    private static readonly string MoveReadSql = $"""
        WITH moved AS (
            UPDATE conversation_members me SET read_seq = @seq, delivered_seq = GREATEST(me.delivered_seq, @seq)
            WHERE me.conversation_id = @conversation_id AND me.user_id = @user_id AND {Membership.CurrentSql("me")} AND me.read_seq < @seq
            RETURNING me.user_id)
        INSERT INTO push_outbox (kind, conversation_id, user_id, created_at, trace_parent)
        SELECT {(int)PushKind.Badge}, @conversation_id, user_id, @now, @trace_parent FROM moved
        """;

    private Task<int> MoveReadAsync(Guid conversationId, Guid userId, long seq, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(MoveReadSql,
            [new NpgsqlParameter("seq", seq), new NpgsqlParameter("conversation_id", conversationId), new NpgsqlParameter("user_id", userId),
             new NpgsqlParameter("now", time.GetUtcNow()),
             MessagingTelemetry.TraceParentParameter()],
            cancellationToken);
}
