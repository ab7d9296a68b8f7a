using System.ComponentModel.DataAnnotations;
using Chat.Api.RateLimiting;
using Chat.Data.Conversations;
using Chat.Messaging.Messages;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Messages;

/// <summary><see cref="AttachmentId"/>, when given, makes it an attachment message carrying that uploaded file.</summary>
public sealed record PostMessageRequest(string? ClientMessageId, string? Content, Guid? AttachmentId = null);

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
        var (page, refused) = await history.PageAsync(id, context.User.GetUserId(), afterSeq, beforeSeq, limit, cancellationToken);
        return refused is null ? TypedResults.Ok(page) : refused.ToProblem();
    }

    private static async Task<Results<Created<MessageAck>, ProblemHttpResult>> Post(
        Guid id, PostMessageRequest request, HttpContext context, MessageSender sender, CancellationToken cancellationToken)
    {
        var message = new NewMessage(id, context.User.GetUserId(), context.User.GetDeviceId(), request.ClientMessageId ?? "",
            request.AttachmentId is null ? MessageKind.Text : MessageKind.Attachment, request.Content, AttachmentId: request.AttachmentId);
        var result = await sender.SendAsync(message, cancellationToken);
        return result.Event is { } stored
            ? TypedResults.Created($"/api/conversations/{id}/messages?afterSeq={stored.Seq - 1}&limit=1", stored.ToAck())
            : result.Error!.ToProblem();
    }
}
