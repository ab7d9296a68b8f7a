using Chat.Data;
using Microsoft.EntityFrameworkCore;

namespace Chat.Messaging.Conversations;

/// <summary>Who may see a user's presence, and who is told when it (or the user's devices) change.</summary>
public sealed class ConversationContacts(ChatDbContext db)
{
    /// <summary>
    /// Presence changes are announced in groups of at most this many members (direct conversations always). In a
    /// larger group every connect would reach hundreds of members' devices, so a node's reconnect storm would cost
    /// connections times members; members of large groups ask for presence when they show it (GET /api/users/{id}/presence).
    /// </summary>
    public const int MaxAnnouncingGroupSize = 256;

    /// <summary>The users told of the user's presence changes: members of the user's direct conversations and small groups.</summary>
    public Task<List<Guid>> ToAnnounceToAsync(Guid userId, CancellationToken cancellationToken) =>
        (from mine in db.ConversationMembers.Current()
         where mine.UserId == userId
               && db.ConversationMembers.Current().Count(m => m.ConversationId == mine.ConversationId) <= MaxAnnouncingGroupSize
         join theirs in db.ConversationMembers.Current() on mine.ConversationId equals theirs.ConversationId
         where theirs.UserId != userId
         select theirs.UserId).Distinct().ToListAsync(cancellationToken);

    /// <summary>Everyone who shares a conversation of any size with the user, the user left out.</summary>
    public Task<List<Guid>> AllAsync(Guid userId, CancellationToken cancellationToken) =>
        (from mine in db.ConversationMembers.Current()
         where mine.UserId == userId
         join theirs in db.ConversationMembers.Current() on mine.ConversationId equals theirs.ConversationId
         where theirs.UserId != userId
         select theirs.UserId).Distinct().ToListAsync(cancellationToken);

    /// <summary>Whether the two users share a conversation of any size: then each may read the other's presence.</summary>
    public Task<bool> ShareAsync(Guid userId, Guid otherId, CancellationToken cancellationToken) =>
        userId == otherId
            ? Task.FromResult(true)
            : (from mine in db.ConversationMembers.Current()
               where mine.UserId == userId
               join theirs in db.ConversationMembers.Current() on mine.ConversationId equals theirs.ConversationId
               where theirs.UserId == otherId
               select 1).AnyAsync(cancellationToken);
}
