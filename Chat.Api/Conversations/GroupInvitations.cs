using Chat.Data;
using Chat.Data.Conversations;
using Chat.Messaging.Conversations;
using Chat.Messaging.Fanout;
using Microsoft.EntityFrameworkCore;

namespace Chat.Api.Conversations;

/// <summary>
/// Invitations to groups: what adding a stranger (<see cref="ConversationContacts.StrangersAsync"/>) makes instead
/// of a membership. The invitee's online devices hear of it at once; the rest find it in the list.
/// </summary>
public sealed class GroupInvitations(ChatDbContext db, UserEventFanout userEvents, TimeProvider time)
{
    /// <summary>Stages invitations to a group being created (saved with it).</summary>
    public void Stage(Conversation group, Guid inviterId, IEnumerable<Guid> invitees)
    {
        foreach (var invitee in invitees)
        {
            db.GroupInvitations.Add(new GroupInvitation { ConversationId = group.Id, UserId = invitee, InvitedBy = inviterId, CreatedAt = group.CreatedAt });
        }
    }

    /// <summary>Invites one user to an existing group; false when they were invited already.</summary>
    public async Task<bool> InviteAsync(Guid conversationId, Guid inviterId, Guid inviteeId, CancellationToken cancellationToken)
    {
        var added = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO group_invitations (conversation_id, user_id, invited_by, created_at)
            VALUES ({conversationId}, {inviteeId}, {inviterId}, {time.GetUtcNow()}) ON CONFLICT DO NOTHING
            """, cancellationToken);
        return added > 0;
    }

    /// <summary>Tells the invitees' online devices of their invitations to the conversation.</summary>
    public async Task AnnounceAsync(Guid conversationId, IReadOnlyCollection<Guid> invitees, CancellationToken cancellationToken)
    {
        foreach (var invitation in await ForAsync(db.GroupInvitations.Where(i => i.ConversationId == conversationId && invitees.Contains(i.UserId)), cancellationToken))
        {
            await userEvents.PublishAsync(ChatEvents.Invitation, invitation.Response, [invitation.UserId]);
        }
    }

    /// <summary>The user's invitations, newest first.</summary>
    public async Task<List<InvitationEvent>> OfAsync(Guid userId, CancellationToken cancellationToken) =>
        (await ForAsync(db.GroupInvitations.Where(i => i.UserId == userId), cancellationToken)).Select(i => i.Response).ToList();

    private async Task<List<(Guid UserId, InvitationEvent Response)>> ForAsync(IQueryable<GroupInvitation> invitations, CancellationToken cancellationToken) =>
        (await invitations.AsNoTracking()
            .Join(db.Conversations, i => i.ConversationId, c => c.Id, (i, c) => new
            {
                i.UserId, c.Id, c.Title, i.InvitedBy, i.CreatedAt,
                Members = db.ConversationMembers.Current().Count(m => m.ConversationId == c.Id),
            })
            .OrderByDescending(r => r.CreatedAt)
            .ToListAsync(cancellationToken))
        .Select(r => (r.UserId, new InvitationEvent(r.Id, r.Title, r.InvitedBy, r.CreatedAt, r.Members)))
        .ToList();
}
