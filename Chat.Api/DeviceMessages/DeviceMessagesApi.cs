using Chat.Api.RateLimiting;
using Chat.Messaging.DeviceMessages;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.DeviceMessages;

public sealed record AckDeviceMessagesResponse(int Deleted);

/// <summary>The REST twin of the hub's device messages (docs/protocol.md): send, read and acknowledge envelopes.</summary>
public static class DeviceMessagesApi
{
    public static IEndpointRouteBuilder MapDeviceMessagesApi(this IEndpointRouteBuilder routes)
    {
        var messages = routes.MapGroup("/api/devices/current/messages").WithTags("Device messages").RequireAuthorization().RequireUserRateLimit();
        messages.MapPost("/", Send).WithSummary("Send an envelope to each active device of the users named; the same answer as the hub's SendToDevices.");
        messages.MapGet("/", Page).WithSummary("The calling device's envelopes after a device seq (?after=&limit=), until acknowledged.");
        messages.MapPost("/ack", Acknowledge).WithSummary("Delete the calling device's envelopes up to a device seq.");
        return routes;
    }

    private static async Task<Results<Ok<DeviceSendAck>, ProblemHttpResult>> Send(
        SendToDevicesRequest request, HttpContext context, DeviceMessenger messenger, CancellationToken cancellationToken)
    {
        var (ack, refused) = await messenger.SendAsync(context.User.GetUserId(), context.User.GetDeviceId(), request, cancellationToken);
        return refused is null ? TypedResults.Ok(ack) : refused.ToProblem();
    }

    private static async Task<Results<Ok<DeviceMessagePage>, ProblemHttpResult>> Page(
        HttpContext context, DeviceMessenger messenger, CancellationToken cancellationToken, long after = 0, int? limit = null)
    {
        var (page, refused) = await messenger.SyncAsync(context.User.GetDeviceId(), new DeviceSyncRequest(after, limit), cancellationToken);
        return refused is null ? TypedResults.Ok(page) : refused.ToProblem();
    }

    private static async Task<Results<Ok<AckDeviceMessagesResponse>, ProblemHttpResult>> Acknowledge(
        AckDeviceMessagesRequest request, HttpContext context, DeviceMessenger messenger, CancellationToken cancellationToken)
    {
        var (deleted, refused) = await messenger.AcknowledgeAsync(context.User.GetDeviceId(), request, cancellationToken);
        return refused is null ? TypedResults.Ok(new AckDeviceMessagesResponse(deleted)) : refused.ToProblem();
    }
}
