using Chat.Api.RateLimiting;
using Chat.Data;
using Chat.Api.Contacts;
using Chat.Data.Conversations;
using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Chat.Api.Conversations;

/// <summary>
/// What one member decides about a conversation for themself alone: answering a message request, hiding it from
/// their list until something new arrives, muting its pushes.
/// </summary>
public static class ConversationSettingsApi
{
    /// <summary>Muted without an end: until unmuted.</summary>
    private static readonly DateTimeOffset Indefinitely = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public static IEndpointRouteBuilder MapConversationSettingsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/conversations/{id:guid}").WithTags("Conversations").RequireAuthorization().RequireUserRateLimit();
        group.MapPost("/accept", Accept).WithSummary("Accept a message request: a normal conversation from now on.");
        group.MapPost("/decline", Decline).WithSummary("Decline a message request: hidden until its sender writes again; with block, its sender is blocked too.");
        group.MapPut("/hidden", Hide).WithSummary("Hide the conversation from your list until a new event arrives in it.");
        group.MapDelete("/hidden", Unhide).WithSummary("Show a hidden conversation in your list again.");
        group.MapPut("/muted", Mute).WithSummary("No push for this conversation until a time, or until unmuted; unread counts go on.");
        group.MapDelete("/muted", Unmute).WithSummary("Push for this conversation again.");
        return routes;
    }

    private static async Task<Results<Ok<ConversationResponse>, NotFound>> Accept(
        Guid id, HttpContext context, ConversationQueries queries, MessageRequests requests, CancellationToken cancellationToken)
    {
        var me = context.User.GetUserId();
        // Accepting what is not (or no longer) a request changes nothing, and answers the same.
        await requests.AcceptAsync(id, me, cancellationToken);
        return (await queries.ForUserAsync(me, id, cancellationToken)).SingleOrDefault() is { } conversation
            ? TypedResults.Ok(conversation)
            : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> Decline(
        Guid id, DeclineRequest? request, HttpContext context, ChatDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var me = context.User.GetUserId();
        var mine = await Mine(db, id, me).SingleOrDefaultAsync(cancellationToken);
        if (mine is null)
        {
            return TypedResults.NotFound();
        }

        if (mine.Request != MessageRequest.Pending)
        {
            return ChatErrors.NoRequest.ToProblem();
        }

        await HideAsync(db, id, me, cancellationToken);
        if (request?.Block == true)
        {
            var sender = await db.ConversationMembers.Where(m => m.ConversationId == id && m.UserId != me).Select(m => m.UserId).SingleAsync(cancellationToken);
            await BlocksApi.BlockAsync(db, me, sender, time, cancellationToken);
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound>> Hide(Guid id, HttpContext context, ChatDbContext db, CancellationToken cancellationToken) =>
        await HideAsync(db, id, context.User.GetUserId(), cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound>> Unhide(Guid id, HttpContext context, ChatDbContext db, CancellationToken cancellationToken) =>
        await Mine(db, id, context.User.GetUserId()).ExecuteUpdateAsync(m => m.SetProperty(x => x.HiddenThroughSeq, (long?)null), cancellationToken) > 0
            ? TypedResults.NoContent()
            : TypedResults.NotFound();

    private static async Task<Results<Ok<MuteResponse>, NotFound, ValidationProblem>> Mute(
        Guid id, MuteRequest? request, HttpContext context, ChatDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        // PostgreSQL keeps UTC; an offset as sent would be refused.
        var until = (request?.Until ?? Indefinitely).ToUniversalTime();
        if (until <= time.GetUtcNow())
        {
            return ApiProblems.Invalid("until", "until, when given, is a time in the future.");
        }

        return await Mine(db, id, context.User.GetUserId()).ExecuteUpdateAsync(m => m.SetProperty(x => x.MutedUntil, until), cancellationToken) > 0
            ? TypedResults.Ok(new MuteResponse(until))
            : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, NotFound>> Unmute(Guid id, HttpContext context, ChatDbContext db, CancellationToken cancellationToken) =>
        await Mine(db, id, context.User.GetUserId()).ExecuteUpdateAsync(m => m.SetProperty(x => x.MutedUntil, (DateTimeOffset?)null), cancellationToken) > 0
            ? TypedResults.NoContent()
            : TypedResults.NotFound();

    /// <summary>Hidden through the conversation's last seq as it stands, read in the same statement.</summary>
    private static async Task<bool> HideAsync(ChatDbContext db, Guid id, Guid userId, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"""
            UPDATE conversation_members m SET hidden_through_seq = c.last_seq FROM conversations c
            WHERE c.id = m.conversation_id AND m.conversation_id = {id} AND m.user_id = {userId} AND m.left_seq IS NULL
            """, cancellationToken) > 0;

    private static IQueryable<ConversationMember> Mine(ChatDbContext db, Guid id, Guid userId) => db.ConversationMembers.CurrentOf(id, userId);
}
