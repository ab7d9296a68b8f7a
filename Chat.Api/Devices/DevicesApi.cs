using Chat.Api.RateLimiting;
using Chat.Data;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Chat.Api.Devices;

public static class DevicesApi
{
    public static IEndpointRouteBuilder MapDevicesApi(this IEndpointRouteBuilder routes)
    {
        var devices = routes.MapGroup("/api/devices").WithTags("Devices").RequireAuthorization().RequireUserRateLimit();
        devices.MapGet("/", List).WithSummary("The caller's signed-in devices.");
        devices.MapPost("/", RegisterPushToken).WithSummary("Set the calling device's platform and push token.");
        devices.MapDelete("/{id:guid}", Remove).WithSummary("Sign out one of the caller's devices.");
        return routes;
    }

    private static async Task<Ok<List<DeviceResponse>>> List(HttpContext context, ChatDbContext db, CancellationToken cancellationToken)
    {
        var (userId, current) = (context.User.GetUserId(), context.User.GetDeviceId());
        var devices = await db.Devices.AsNoTracking()
            .Where(d => d.UserId == userId && d.RevokedAt == null)
            .OrderBy(d => d.CreatedAt)
            .Select(d => new DeviceResponse(d.Id, d.Name, d.Platform, d.PushToken != null, d.Id == current, d.CreatedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(devices);
    }

    /// <summary>
    /// The device is the one the access token names. A push token belongs to one installation, so it is taken
    /// away from any other device that still holds it (a reinstall, another account on the same phone).
    /// </summary>
    private static async Task<Results<Ok<DeviceResponse>, NotFound>> RegisterPushToken(
        RegisterPushTokenRequest request, HttpContext context, ChatDbContext db, CancellationToken cancellationToken)
    {
        var (userId, deviceId) = (context.User.GetUserId(), context.User.GetDeviceId());
        var device = await db.Devices.SingleOrDefaultAsync(d => d.Id == deviceId && d.UserId == userId && d.RevokedAt == null, cancellationToken);
        if (device is null)
        {
            return TypedResults.NotFound();
        }

        device.Platform = request.Platform;
        device.PushToken = request.PushToken;
        // A user transaction must run inside the retrying execution strategy, which replays it whole.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Devices.Where(d => d.PushToken == request.PushToken && d.Id != deviceId)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.PushToken, (string?)null), cancellationToken);
            await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
        db.ChangeTracker.AcceptAllChanges();
        return TypedResults.Ok(new DeviceResponse(device.Id, device.Name, device.Platform, true, true, device.CreatedAt));
    }

    private static async Task<Results<NoContent, NotFound>> Remove(Guid id, HttpContext context, DeviceSessions sessions, CancellationToken cancellationToken) =>
        await sessions.EndAsync(context.User.GetUserId(), id, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();
}
