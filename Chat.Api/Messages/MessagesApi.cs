using System.ComponentModel.DataAnnotations;
using Chat.Api.RateLimiting;
using Chat.Data.Messaging;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using static Chat.Api.ApiProblems;

namespace Chat.Api.Messages;

public sealed record PostMessageRequest(string? ClientMessageId, string? Content);

public sealed record MessagePage(IReadOnlyList<MessageEvent> Messages, bool HasMore);

public static class MessagesApi
{
    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder routes)
    {
        var messages = routes.MapGroup("/api/conversations/{id:guid}/messages").WithTags("Messages").RequireAuthorization().RequireUserRateLimit();
        messages.MapGet("/", History).WithSummary("A page of the conversation's events, by seq.");
        messages.MapPost("/", Post).WithSummary("Send a message; the same acknowledgement as the hub's SendMessage.");
        return routes;
    }

    private static async Task<Results<Ok<MessagePage>, ProblemHttpResult>> History(
        Guid id, HttpContext context, MessageHistory history, CancellationToken cancellationToken,
        [Range(0, long.MaxValue)] long? afterSeq = null,
        [Range(1, long.MaxValue)] long? beforeSeq = null,
        [Range(1, MessageHistory.MaxPageSize)] int limit = 50)
    {
        var member = await history.MembershipAsync(id, context.User.GetUserId(), cancellationToken);
        if (member is null)
        {
            return NotFound("You are not a member of a conversation with this id.");
        }

        var (page, hasMore) = await history.PageAsync(member, afterSeq, beforeSeq, limit, cancellationToken);
        return TypedResults.Ok(new MessagePage(page, hasMore));
    }

    private static async Task<Results<Created<MessageAck>, ProblemHttpResult, ValidationProblem>> Post(
        Guid id, PostMessageRequest request, HttpContext context, MessageSender sender, CancellationToken cancellationToken)
    {
        var message = new NewMessage(id, context.User.GetUserId(), context.User.GetDeviceId(), request.ClientMessageId ?? "", MessageKinds.Text, request.Content);
        var result = await sender.SendAsync(message, cancellationToken);
        if (result.Event is { } stored)
        {
            return TypedResults.Created($"/api/conversations/{id}/messages?afterSeq={stored.Seq - 1}&limit=1", stored.ToAck());
        }

        return result.Error switch
        {
            MessageStoreError.ConversationNotFound => NotFound("No conversation has this id."),
            MessageStoreError.NotMember => Forbidden("You are not a member of this conversation."),
            MessageStoreError.ContentTooLarge => Invalid("content", $"Content may take at most {MessageStore.MaxContentBytes} bytes as UTF-8."),
            MessageStoreError.ContentRequired => Invalid("content", "Content is required."),
            MessageStoreError.ClientMessageIdReused => Invalid("clientMessageId", "This clientMessageId was already used in another conversation."),
            _ => Invalid("clientMessageId", $"clientMessageId is required, at most {MessageStore.MaxClientMessageIdLength} characters."),
        };
    }
}
