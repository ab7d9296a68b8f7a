using Chat.Data;
using Chat.Data.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Chat.Messaging.Conversations;

/// <summary>
/// Who may see a user's presence, and who is told when the user's devices change (<see cref="Presence.PresenceAudience"/>
/// says who is told when the presence does). Presence passes between two users who share a conversation, but not
/// through a message request still unanswered, and never across a block, either way.
/// </summary>
public sealed class ConversationContacts(ChatDbContext db)
{
    /// <summary>
    /// Everyone who shares a conversation of any size with the user, the user left out, requests and blocks
    /// included: they encrypt to the user's devices, so they must hear when those change.
    /// </summary>
    public Task<List<Guid>> AllAsync(Guid userId, CancellationToken cancellationToken) =>
        (from mine in db.ConversationMembers.Current()
         where mine.UserId == userId
         join theirs in db.ConversationMembers.Current() on mine.ConversationId equals theirs.ConversationId
         where theirs.UserId != userId
         select theirs.UserId).Distinct().ToListAsync(cancellationToken);

    /// <summary>Whether each of the two users may read the other's presence.</summary>
    public Task<bool> SeePresenceAsync(Guid userId, Guid otherId, CancellationToken cancellationToken) =>
        userId == otherId
            ? Task.FromResult(true)
            : (from mine in Answered()
               where mine.UserId == userId
               join theirs in Answered() on mine.ConversationId equals theirs.ConversationId
               where theirs.UserId == otherId
                     && !db.UserBlocks.Any(b => (b.BlockerId == userId && b.BlockedId == otherId) || (b.BlockerId == otherId && b.BlockedId == userId))
               select 1).AnyAsync(cancellationToken);

    /// <summary>
    /// Of <paramref name="others"/>, those who share no conversation with the user outside unanswered requests:
    /// strangers, to whom a new direct conversation is a message request and a group an invitation.
    /// </summary>
    public async Task<HashSet<Guid>> StrangersAsync(Guid userId, IReadOnlyCollection<Guid> others, CancellationToken cancellationToken)
    {
        var known = await (from mine in Answered()
                           where mine.UserId == userId
                           join theirs in Answered() on mine.ConversationId equals theirs.ConversationId
                           where others.Contains(theirs.UserId)
                           select theirs.UserId).Distinct().ToListAsync(cancellationToken);
        return others.Except(known).ToHashSet();
    }

    /// <summary>Whether a block stands between the user and any of <paramref name="others"/>, either way.</summary>
    public Task<bool> AnyBlockAsync(Guid userId, IReadOnlyCollection<Guid> others, CancellationToken cancellationToken) =>
        db.UserBlocks.AnyAsync(b => (b.BlockerId == userId && others.Contains(b.BlockedId)) || (b.BlockedId == userId && others.Contains(b.BlockerId)),
            cancellationToken);

    /// <summary>Current memberships, without those of a message request not yet accepted.</summary>
    private IQueryable<ConversationMember> Answered() =>
        db.ConversationMembers.Current().Where(m => m.Request != MessageRequest.Pending);
}
