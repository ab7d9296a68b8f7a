using Chat.Api.RateLimiting;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Attachments;

public static class AttachmentsApi
{
    public static IEndpointRouteBuilder MapAttachmentsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/conversations/{id:guid}/attachments", Announce)
            .WithTags("Attachments").RequireAuthorization().RequireUserRateLimit()
            .WithSummary("Announce a file for this conversation; answers an upload URL for it alone, write-once, for a few minutes.");
        var attachments = routes.MapGroup("/api/attachments/{id:guid}").WithTags("Attachments").RequireAuthorization().RequireUserRateLimit();
        attachments.MapPost("/complete", Complete)
            .WithSummary("The upload is done: its size and SHA-256 are checked, and a message may then carry it (attachmentId).");
        attachments.MapGet("/", Download).WithSummary("A read-only URL for the file, for a few minutes; current members only.");
        return routes;
    }

    private static async Task<Results<Created<AttachmentUploadGrant>, ProblemHttpResult>> Announce(
        Guid id, NewAttachmentRequest request, HttpContext context, Attachments attachments, CancellationToken cancellationToken)
    {
        var (grant, refused) = await attachments.AnnounceAsync(id, context.User.GetUserId(), request, cancellationToken);
        return refused is null ? TypedResults.Created($"/api/attachments/{grant.AttachmentId}", grant) : refused.ToProblem();
    }

    private static async Task<Results<Ok<CompletedAttachment>, ProblemHttpResult>> Complete(
        Guid id, HttpContext context, Attachments attachments, CancellationToken cancellationToken)
    {
        var (completed, refused) = await attachments.CompleteAsync(id, context.User.GetUserId(), cancellationToken);
        return refused is null ? TypedResults.Ok(completed) : refused.ToProblem();
    }

    private static async Task<Results<Ok<AttachmentDownloadGrant>, ProblemHttpResult>> Download(
        Guid id, HttpContext context, Attachments attachments, CancellationToken cancellationToken)
    {
        var (grant, refused) = await attachments.GrantDownloadAsync(id, context.User.GetUserId(), cancellationToken);
        return refused is null ? TypedResults.Ok(grant) : refused.ToProblem();
    }
}
