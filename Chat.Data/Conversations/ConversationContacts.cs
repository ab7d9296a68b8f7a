using Microsoft.EntityFrameworkCore;

namespace Chat.Data.Conversations;

/// <summary>Who may see a user's presence: the users who currently share a conversation with them.</summary>
public sealed class ConversationContacts(ChatDbContext db)
{
    public Task<List<Guid>> OfAsync(Guid userId, CancellationToken cancellationToken) =>
        (from mine in db.ConversationMembers
         where mine.UserId == userId && mine.LeftSeq == null
         join theirs in db.ConversationMembers on mine.ConversationId equals theirs.ConversationId
         where theirs.UserId != userId && theirs.LeftSeq == null
         select theirs.UserId).Distinct().ToListAsync(cancellationToken);

    public Task<bool> ShareAsync(Guid userId, Guid otherId, CancellationToken cancellationToken) =>
        userId == otherId
            ? Task.FromResult(true)
            : (from mine in db.ConversationMembers
               where mine.UserId == userId && mine.LeftSeq == null
               join theirs in db.ConversationMembers on mine.ConversationId equals theirs.ConversationId
               where theirs.UserId == otherId && theirs.LeftSeq == null
               select 1).AnyAsync(cancellationToken);
}
