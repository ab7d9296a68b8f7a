using Chat.Data;
using Chat.Data.Conversations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chat.Api.Conversations;

/// <summary>
/// The daily bounds on what one user starts: message requests to strangers, and groups. Counted from the stored
/// conversations of the last 24 hours, so they hold across API replicas and restarts; two creations at the same
/// instant may both pass the last free place.
/// </summary>
public sealed class CreationLimits(ChatDbContext db, IOptions<ConversationOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromDays(1);

    /// <summary>Null when the user may start another message request now; otherwise how long to wait.</summary>
    public Task<TimeSpan?> RequestWaitAsync(Guid userId, CancellationToken cancellationToken) =>
        WaitAsync(db.Conversations.Where(c => c.CreatedBy == userId && c.Kind == ConversationKind.Direct
            && c.Members.Any(m => m.UserId != userId && m.Request != MessageRequest.None)), options.Value.MaxRequestsPerDay, cancellationToken);

    /// <summary>Null when the user may create another group now; otherwise how long to wait.</summary>
    public Task<TimeSpan?> GroupWaitAsync(Guid userId, CancellationToken cancellationToken) =>
        WaitAsync(db.Conversations.Where(c => c.CreatedBy == userId && c.Kind == ConversationKind.Group), options.Value.MaxGroupsPerDay, cancellationToken);

    private async Task<TimeSpan?> WaitAsync(IQueryable<Conversation> created, int limit, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - Window;
        var recent = await created.Where(c => c.CreatedAt > since)
            .OrderByDescending(c => c.CreatedAt).Select(c => c.CreatedAt).Take(limit).ToListAsync(cancellationToken);
        // The oldest of the last `limit` leaving the window frees a place.
        return recent.Count < limit ? null : recent[^1] + Window - time.GetUtcNow();
    }
}
