using Chat.Data;
using Chat.Data.Conversations;
using Chat.Messaging.Conversations;
using Chat.Messaging.Messages;
using Chat.Messaging.Receipts;
using Microsoft.EntityFrameworkCore;

namespace Chat.Api.Conversations;

/// <summary>Builds the conversation view a member sees: members, positions, unread count and last message.</summary>
public sealed class ConversationQueries(ChatDbContext db, UnreadCounts unreadCounts, TimeProvider time)
{
    public Task<List<ConversationResponse>> ForUserAsync(Guid userId, Guid conversationId, CancellationToken cancellationToken) =>
        PageAsync(userId, conversationId, hidden: null, after: null, limit: 1, cancellationToken);

    /// <summary>
    /// The user's conversations, newest activity first, from just after <paramref name="after"/>: those hidden, or
    /// those not, or both (null). A hidden conversation shows again once an event follows the point it was hidden at.
    /// </summary>
    public async Task<List<ConversationResponse>> PageAsync(
        Guid userId, Guid? conversationId, bool? hidden, ConversationCursor? after, int limit, CancellationToken cancellationToken)
    {
        var query = db.ConversationMembers.AsNoTracking().Current()
            .Where(me => me.UserId == userId && (conversationId == null || me.ConversationId == conversationId))
            .Join(db.Conversations, me => me.ConversationId, c => c.Id, (me, c) => new { Conversation = c, me.ReadSeq, me.HiddenThroughSeq, me.MutedUntil });
        if (hidden is { } wanted)
        {
            query = wanted
                ? query.Where(r => r.HiddenThroughSeq != null && r.Conversation.LastSeq <= r.HiddenThroughSeq)
                : query.Where(r => r.HiddenThroughSeq == null || r.Conversation.LastSeq > r.HiddenThroughSeq);
        }
        if (after is { } cursor)
        {
            query = query.Where(r => EF.Functions.LessThan(
                ValueTuple.Create(r.Conversation.LastActivityAt, r.Conversation.Id), ValueTuple.Create(cursor.LastActivityAt, cursor.Id)));
        }

        var rows = await query
            .OrderByDescending(r => r.Conversation.LastActivityAt).ThenByDescending(r => r.Conversation.Id)
            .Take(limit)
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Conversation.Id).ToArray();
        var members = (await db.ConversationMembers.AsNoTracking().Current().Where(m => ids.Contains(m.ConversationId)).ToListAsync(cancellationToken))
            .ToLookup(m => m.ConversationId);
        var invited = (await db.GroupInvitations.AsNoTracking().Where(i => ids.Contains(i.ConversationId)).OrderBy(i => i.CreatedAt).ToListAsync(cancellationToken))
            .ToLookup(i => i.ConversationId);
        var unread = await unreadCounts.ByConversationAsync(userId, ids, cancellationToken);

        // Each conversation's last text or attachment message, read backwards from the end of its seq index. EF translates the
        // same in a projection into a row number over every text message of every conversation, which makes this
        // request as slow as the messages table is large.
        var (text, attachment) = ((int)MessageKind.Text, (int)MessageKind.Attachment);
        var last = await db.Messages.FromSql($"""
                SELECT last.* FROM unnest({ids}) AS c(id)
                CROSS JOIN LATERAL (SELECT * FROM messages m WHERE m.conversation_id = c.id AND m.kind IN ({text}, {attachment}) ORDER BY m.seq DESC LIMIT 1) AS last
                """)
            .AsNoTracking()
            .ToDictionaryAsync(m => m.ConversationId, cancellationToken);

        return rows.Select(r => new ConversationResponse(
            r.Conversation.Id,
            r.Conversation.Kind == ConversationKind.Direct ? "direct" : "group",
            r.Conversation.Title,
            members[r.Conversation.Id].Select(m => PositionsShown(userId, m)).ToList(),
            r.Conversation.LastSeq,
            r.ReadSeq,
            unread.GetValueOrDefault(r.Conversation.Id),
            last.TryGetValue(r.Conversation.Id, out var message) ? MessageEventReader.ToEvent(message) : null,
            r.Conversation.CreatedAt,
            r.Conversation.LastActivityAt,
            RequestOf(userId, members[r.Conversation.Id]),
            r.HiddenThroughSeq is { } through && r.Conversation.LastSeq <= through,
            r.MutedUntil is { } until && until > time.GetUtcNow() ? until : null,
            invited[r.Conversation.Id].Select(i => new InvitedResponse(i.UserId, i.InvitedBy, i.CreatedAt)).ToList())).ToList();
    }

    /// <summary>The recipient of an unanswered message request keeps what they read to themself.</summary>
    private static MemberResponse PositionsShown(Guid viewerId, ConversationMember member) =>
        member.Request == MessageRequest.Pending && member.UserId != viewerId
            ? new MemberResponse(member.UserId, member.Role.WireName(), 0, 0)
            : new MemberResponse(member.UserId, member.Role.WireName(), member.DeliveredSeq, member.ReadSeq);

    private static string? RequestOf(Guid userId, IEnumerable<ConversationMember> members) =>
        members.FirstOrDefault(m => m.Request == MessageRequest.Pending) is not { } pending ? null
        : pending.UserId == userId ? "received"
        : "sent";
}
