using Chat.Api.RateLimiting;
using Chat.Data;
using Chat.Messaging.Conversations;
using Chat.Messaging.Presence;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Chat.Api.Contacts;

public sealed record BlockedUserResponse(Guid UserId, string Username, string DisplayName, DateTimeOffset BlockedAt);

/// <summary>
/// Blocking: the blocked user cannot write to the blocker in their direct conversation, nor add them to groups, and
/// neither sees the other's presence. The blocked user is told nothing; their attempts are refused with <c>blocked</c>.
/// </summary>
public static class BlocksApi
{
    public static IEndpointRouteBuilder MapBlocksApi(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/api/users").WithTags("Users").RequireAuthorization().RequireUserRateLimit();
        users.MapGet("/blocked", List).WithSummary("The users you have blocked, most recent first.");
        users.MapPost("/{id:guid}/block", Block).WithSummary("Block a user.");
        users.MapDelete("/{id:guid}/block", Unblock).WithSummary("Unblock a user.");
        return routes;
    }

    /// <summary>Blocks, or keeps an existing block as it is.</summary>
    public static async Task BlockAsync(ChatDbContext db, Guid blockerId, Guid blockedId, TimeProvider time, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO user_blocks (blocker_id, blocked_id, created_at) VALUES ({blockerId}, {blockedId}, {time.GetUtcNow()}) ON CONFLICT DO NOTHING
            """, cancellationToken);

    private static async Task<Ok<List<BlockedUserResponse>>> List(HttpContext context, ChatDbContext db, CancellationToken cancellationToken)
    {
        var me = context.User.GetUserId();
        var blocked = await db.UserBlocks.AsNoTracking().Where(b => b.BlockerId == me)
            .Join(db.Users, b => b.BlockedId, u => u.Id, (b, u) => new { u.Id, u.Username, u.DisplayName, b.CreatedAt })
            .OrderByDescending(b => b.CreatedAt)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(blocked.Select(b => new BlockedUserResponse(b.Id, b.Username, b.DisplayName, b.CreatedAt)).ToList());
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> Block(
        Guid id, HttpContext context, ChatDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var me = context.User.GetUserId();
        if (id == me)
        {
            return ApiProblems.Invalid("id", "You cannot block yourself.");
        }

        if (!await db.Users.AnyAsync(u => u.Id == id, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        await BlockAsync(db, me, id, time, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Unblocked, two who share a conversation see each other's presence again at once.</summary>
    private static async Task<NoContent> Unblock(
        Guid id, HttpContext context, ChatDbContext db, ConversationContacts contacts, PresenceIntroductions introductions, CancellationToken cancellationToken)
    {
        var me = context.User.GetUserId();
        if (await db.UserBlocks.Where(b => b.BlockerId == me && b.BlockedId == id).ExecuteDeleteAsync(cancellationToken) > 0
            && await contacts.SeePresenceAsync(me, id, cancellationToken))
        {
            await introductions.IntroduceAsync(me, id);
        }

        return TypedResults.NoContent();
    }
}
