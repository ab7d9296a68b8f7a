using Chat.Api.RateLimiting;
using Chat.Data;
using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Chat.Messaging.Messages;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chat.Api.Conversations;

/// <summary>The caller's invitations to groups (<see cref="GroupInvitations"/>): listed, accepted, declined.</summary>
public static class InvitationsApi
{
    public static IEndpointRouteBuilder MapInvitationsApi(this IEndpointRouteBuilder routes)
    {
        var invitations = routes.MapGroup("/api/invitations").WithTags("Conversations").RequireAuthorization().RequireUserRateLimit();
        invitations.MapGet("/", List).WithSummary("Your invitations to groups, newest first.");
        invitations.MapPost("/{conversationId:guid}", Accept).WithSummary("Accept an invitation: you join the group.");
        invitations.MapDelete("/{conversationId:guid}", Decline).WithSummary("Decline an invitation.");
        return routes;
    }

    private static async Task<Ok<List<InvitationEvent>>> List(HttpContext context, GroupInvitations invitations, CancellationToken cancellationToken) =>
        TypedResults.Ok(await invitations.OfAsync(context.User.GetUserId(), cancellationToken));

    private static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> Accept(
        Guid conversationId, HttpContext context, ChatDbContext db, ConversationContacts contacts, MessageStore store, ConversationQueries queries,
        IOptions<ConversationOptions> options, CancellationToken cancellationToken)
    {
        var me = context.User.GetUserId();
        var members = await db.ConversationMembers.Current().Where(m => m.ConversationId == conversationId).Select(m => m.UserId).ToListAsync(cancellationToken);
        if (members.Count >= options.Value.MaxGroupMembers)
        {
            return ChatErrors.Invalid("conversationId", $"The group already has {options.Value.MaxGroupMembers} members, the most it may hold.").ToProblem();
        }

        var (_, refused) = await store.AcceptInvitationAsync(conversationId, me, context.User.GetDeviceId(), cancellationToken);
        return refused is null
            ? TypedResults.Ok((await queries.ForUserAsync(me, conversationId, cancellationToken)).Single())
            : refused.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Decline(Guid conversationId, HttpContext context, ChatDbContext db, CancellationToken cancellationToken)
    {
        var me = context.User.GetUserId();
        return await db.GroupInvitations.Where(i => i.ConversationId == conversationId && i.UserId == me).ExecuteDeleteAsync(cancellationToken) > 0
            ? TypedResults.NoContent()
            : ChatErrors.InvitationNotFound.ToProblem();
    }
}
