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
                Last = db.Messages.Where(m => m.ConversationId == c.Id && m.Kind == MessageKind.Text).OrderByDescending(m => m.Seq).FirstOrDefault(),
            })
            .OrderByDescending(r => r.Conversation.LastActivityAt)
            .ToListAsync(cancellationToken);

        return rows.Select(r => new ConversationResponse(
            r.Conversation.Id,
            r.Conversation.Kind == ConversationKind.Direct ? "direct" : "group",
            r.Conversation.Title,
            r.Members.Select(m => new MemberResponse(m.UserId, m.Role.ToString().ToLowerInvariant(), m.DeliveredSeq, m.ReadSeq)).ToList(),
            r.Conversation.LastSeq,
            r.ReadSeq,
            r.Unread,
            r.Last is null ? null : MessageEventReader.ToEvent(r.Last),
            r.Conversation.CreatedAt,
            r.Conversation.LastActivityAt)).ToList();
    }
}
