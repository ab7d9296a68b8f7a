using Chat.Api.RateLimiting;
using Chat.Data.Conversations;
using Chat.Messaging.Errors;
using Chat.Messaging.Messages;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Conversations;

/// <summary>A group's roles: its owner makes members admins and back, and may hand ownership to another member.</summary>
public static class RolesApi
{
    public static IEndpointRouteBuilder MapRolesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/conversations/{id:guid}").WithTags("Conversations").RequireAuthorization().RequireUserRateLimit();
        group.MapPut("/members/{userId:guid}/role", ChangeRole).WithSummary("Make a member an admin, or an admin a member (the owner).");
        group.MapPost("/owner", TransferOwnership).WithSummary("Hand ownership to another member; the owner becomes an admin.");
        return routes;
    }

    private static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> ChangeRole(
        Guid id, Guid userId, ChangeRoleRequest request, HttpContext context, MessageStore store, ConversationQueries queries, CancellationToken cancellationToken)
    {
        var role = request.Role == "admin" ? MemberRole.Admin : MemberRole.Member;
        var me = context.User.GetUserId();
        return Answer(await store.ChangeRoleAsync(id, me, context.User.GetDeviceId(), userId, role, cancellationToken),
            await AfterAsync(queries, me, id, cancellationToken));
    }

    private static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> TransferOwnership(
        Guid id, TransferOwnershipRequest request, HttpContext context, MessageStore store, ConversationQueries queries, CancellationToken cancellationToken)
    {
        var me = context.User.GetUserId();
        return Answer(await store.TransferOwnershipAsync(id, me, context.User.GetDeviceId(), request.UserId, cancellationToken),
            await AfterAsync(queries, me, id, cancellationToken));
    }

    private static async Task<ConversationResponse?> AfterAsync(ConversationQueries queries, Guid me, Guid id, CancellationToken cancellationToken) =>
        (await queries.ForUserAsync(me, id, cancellationToken)).SingleOrDefault();

    /// <summary>A refusal as its problem; a conversation the caller is not in as 404, like every conversation route.</summary>
    private static Results<Ok<ConversationResponse>, ProblemHttpResult> Answer(Outcome<MessageEvent?> outcome, ConversationResponse? conversation) =>
        outcome.Error is { } refused ? (refused == ChatErrors.NotMember ? ChatErrors.NotVisible : refused).ToProblem()
        : TypedResults.Ok(conversation!);
}
