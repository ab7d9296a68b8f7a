using Chat.Data;
using Chat.Data.Conversations;
using Chat.Data.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Chat.Api.Conversations;

/// <summary>Builds the conversation view a member sees: members, positions, unread count and last message.</summary>
public sealed class ConversationQueries(ChatDbContext db)
{
    public async Task<List<ConversationResponse>> ForUserAsync(Guid userId, Guid? conversationId, CancellationToken cancellationToken)
    {
        var rows = await db.ConversationMembers.AsNoTracking()
            .Where(me => me.UserId == userId && me.LeftSeq == null && (conversationId == null || me.ConversationId == conversationId))
            .Join(db.Conversations, me => me.ConversationId, c => c.Id, (me, c) => new
            {
                Conversation = c,
                me.ReadSeq,
                Members = c.Members.Where(m => m.LeftSeq == null).ToList(),
                Unread = db.Messages.LongCount(m => m.ConversationId == c.Id && m.Seq > me.ReadSeq && m.Kind == MessageKind.Text && m.SenderId != userId),
            })
            .OrderByDescending(r => r.Conversation.LastActivityAt)
            .ToListAsync(cancellationToken);

        // Each conversation's last text message, read backwards from the end of its seq index. EF translates the
        // same in the projection above into a row number over every text message of every conversation, which made
        // this request as slow as the messages table is large (19 s with half a million messages, under load).
        var ids = rows.Select(r => r.Conversation.Id).ToArray();
        var text = (int)MessageKind.Text;
        var last = await db.Messages.FromSql($"""
                SELECT last.* FROM unnest({ids}) AS c(id)
                CROSS JOIN LATERAL (SELECT * FROM messages m WHERE m.conversation_id = c.id AND m.kind = {text} ORDER BY m.seq DESC LIMIT 1) AS last
                """)
            .AsNoTracking()
            .ToDictionaryAsync(m => m.ConversationId, cancellationToken);

        return rows.Select(r => new ConversationResponse(
            r.Conversation.Id,
            r.Conversation.Kind == ConversationKind.Direct ? "direct" : "group",
            r.Conversation.Title,
            r.Members.Select(m => new MemberResponse(m.UserId, m.Role.ToString().ToLowerInvariant(), m.DeliveredSeq, m.ReadSeq)).ToList(),
            r.Conversation.LastSeq,
            r.ReadSeq,
            r.Unread,
            last.TryGetValue(r.Conversation.Id, out var message) ? MessageEventReader.ToEvent(message) : null,
            r.Conversation.CreatedAt,
            r.Conversation.LastActivityAt)).ToList();
    }
}
