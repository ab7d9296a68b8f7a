using Chat.Data;
using Chat.Data.Conversations;
using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Chat.Messaging.Receipts;
using Microsoft.EntityFrameworkCore;

namespace Chat.Messaging.Messages;

/// <summary>Reads what a member may see: everything up to the point where they left, nothing after.</summary>
public sealed class MessageHistory(ChatDbContext db)
{
    public const int MaxPageSize = 200;
    public const int DefaultSyncLimit = 100;

    /// <summary>
    /// A page of one conversation's events after <paramref name="afterSeq"/> (ascending) or before
    /// <paramref name="beforeSeq"/> (the newest first, returned ascending), for anyone who ever belonged to it.
    /// </summary>
    public async Task<Outcome<MessagePage>> PageAsync(
        Guid conversationId, Guid userId, long? afterSeq, long? beforeSeq, int limit, CancellationToken cancellationToken)
    {
        var member = await db.ConversationMembers.AsNoTracking()
            .SingleOrDefaultAsync(m => m.ConversationId == conversationId && m.UserId == userId, cancellationToken);
        if (member is null)
        {
            return ChatErrors.NotVisible;
        }

        var lastVisible = member.LastVisibleSeq();
        var visible = db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId && m.Seq <= lastVisible);

        if (afterSeq is { } after)
        {
            visible = visible.Where(m => m.Seq > after);
        }

        if (beforeSeq is { } before)
        {
            visible = visible.Where(m => m.Seq < before);
        }

        var newestFirst = beforeSeq is not null && afterSeq is null;
        var ordered = newestFirst ? visible.OrderByDescending(m => m.Seq) : visible.OrderBy(m => m.Seq);
        var rows = await ordered.Take(limit + 1).ToListAsync(cancellationToken);
        await RewindLaterEditsAsync(rows, _ => lastVisible, cancellationToken);
        var page = rows.Take(limit).Select(MessageEventReader.ToEvent).OrderBy(m => m.Seq).ToList();
        return new MessagePage(page, rows.Count > limit);
    }

    /// <summary>
    /// Everything the user may see after the given positions, in (conversation, seq) order; conversations without a
    /// cursor start from the beginning. The caller pages by moving its cursors past what it received.
    /// </summary>
    public async Task<Outcome<SyncResult>> SyncAsync(Guid userId, SyncRequest request, CancellationToken cancellationToken)
    {
        var limit = request.Limit ?? DefaultSyncLimit;
        if (limit is < 1 or > MaxPageSize)
        {
            return ChatErrors.Invalid("limit", $"limit must be between 1 and {MaxPageSize}.");
        }

        var cursors = new Dictionary<Guid, long>();
        foreach (var cursor in request.Cursors ?? [])
        {
            if (cursor is null || cursor.AfterSeq < 0 || !cursors.TryAdd(cursor.ConversationId, cursor.AfterSeq))
            {
                return ChatErrors.Invalid("cursors", "cursors must name each conversation once, with afterSeq >= 0.");
            }
        }

        var memberships = await db.ConversationMembers.AsNoTracking().Where(m => m.UserId == userId).ToListAsync(cancellationToken);
        var ids = memberships.Select(m => m.ConversationId).ToArray();
        var afters = memberships.Select(m => cursors.GetValueOrDefault(m.ConversationId)).ToArray();
        var uppers = memberships.Select(m => m.LastVisibleSeq()).ToArray();

        // Each conversation reads at most a page from its seq index: joined plainly, PostgreSQL sorted every message
        // after the cursors (a user's whole history, for a device without cursors) to return one page.
        var rows = ids.Length == 0 ? [] : await db.Messages.FromSql($"""
                SELECT m.* FROM unnest({ids}::uuid[], {afters}::bigint[], {uppers}::bigint[]) AS c(id, after_seq, upper_seq)
                CROSS JOIN LATERAL (
                    SELECT * FROM messages
                    WHERE conversation_id = c.id AND seq > c.after_seq AND seq <= c.upper_seq
                    ORDER BY seq
                    LIMIT {limit + 1}) m
                ORDER BY m.conversation_id, m.seq
                LIMIT {limit + 1}
                """)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        var bounds = memberships.ToDictionary(m => m.ConversationId, m => m.LastVisibleSeq());
        await RewindLaterEditsAsync(rows, conversationId => bounds[conversationId], cancellationToken);
        var messages = rows.Take(limit).Select(MessageEventReader.ToEvent).ToList();

        // Receipt positions are news of the members; one who left gets none, of them or of anyone added since.
        var current = memberships.Where(m => m.IsCurrent()).Select(m => m.ConversationId);
        var covered = messages.Select(m => m.ConversationId).Concat(cursors.Keys).Intersect(current).Distinct().ToList();
        // A device with nothing to catch up on and no cursors (a new device of a new user) asks no positions.
        var positions = covered.Count == 0 ? [] : await db.ConversationMembers.AsNoTracking()
            .Where(m => covered.Contains(m.ConversationId) && m.UserId != userId)
            // The recipient of an unanswered message request keeps what they read to themself.
            .Select(m => m.Request == MessageRequest.Pending
                ? new ReceiptPosition(m.ConversationId, m.UserId, 0, 0)
                : new ReceiptPosition(m.ConversationId, m.UserId, m.DeliveredSeq, m.ReadSeq))
            .ToListAsync(cancellationToken);
        return new SyncResult(messages, rows.Count > limit, positions);
    }

    /// <summary>
    /// Shows a member who left each message as it was when they left: a text message edited after that point gets
    /// back the content of its last earlier edit, or its first. Content deleted since stays erased. Only rows read
    /// for a member who left can need this, and only edited ones, so current members pay nothing.
    /// </summary>
    private async Task RewindLaterEditsAsync(List<Message> rows, Func<Guid, long> lastVisibleSeqOf, CancellationToken cancellationToken)
    {
        var edited = rows.Where(m => m.Kind == MessageKind.Text && m.OriginalContent is not null && lastVisibleSeqOf(m.ConversationId) != long.MaxValue)
            .ToList();
        if (edited.Count == 0)
        {
            return;
        }

        var ids = edited.Select(m => m.Id).ToList();
        var edits = (await db.Messages.AsNoTracking()
                .Where(e => e.Kind == MessageKind.Edit && e.TargetMessageId != null && ids.Contains(e.TargetMessageId.Value))
                .Select(e => new { Target = e.TargetMessageId!.Value, e.Seq, e.Content })
                .ToListAsync(cancellationToken))
            .ToLookup(e => e.Target);
        foreach (var message in edited)
        {
            var bound = lastVisibleSeqOf(message.ConversationId);
            var lastSeen = edits[message.Id].Where(e => e.Seq <= bound).MaxBy(e => e.Seq);
            message.Content = lastSeen is null ? message.OriginalContent : lastSeen.Content;
        }
    }
}
