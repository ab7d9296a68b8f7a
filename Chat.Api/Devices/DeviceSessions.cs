using Chat.Api.Auth;
using Chat.Data;
using Chat.Data.Accounts;
using Chat.Messaging.Devices;
using Microsoft.EntityFrameworkCore;

namespace Chat.Api.Devices;

/// <summary>Starts and ends a device's session: its row, its refresh-token family and its access tokens.</summary>
public sealed class DeviceSessions(
    ChatDbContext db, RefreshTokenStore refreshTokens, AccessTokenIssuer accessTokens, RevokedDevices revokedDevices, DeviceListNotifier deviceList,
    TimeProvider time)
{
    public const string DefaultDeviceName = "Unnamed device";

    /// <summary>Every sign-in is a new device with a new token family; saved here.</summary>
    public async Task<TokenResponse> StartAsync(User user, string? deviceName, CancellationToken cancellationToken)
    {
        var device = new Device
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            Name = string.IsNullOrWhiteSpace(deviceName) ? DefaultDeviceName : deviceName.Trim(),
            CreatedAt = time.GetUtcNow(),
        };
        db.Devices.Add(device);
        var refreshToken = refreshTokens.Issue(user.Id, device.Id, familyId: Guid.CreateVersion7());
        await db.SaveChangesAsync(cancellationToken);
        return Tokens(user.Id, device.Id, user.Username, refreshToken);
    }

    public TokenResponse Tokens(Guid userId, Guid deviceId, string username, string refreshToken) =>
        new(userId, deviceId, accessTokens.Issue(userId, deviceId, username), refreshToken, (int)accessTokens.Lifetime.TotalSeconds);

    /// <summary>
    /// Ends a device's session everywhere at once: refresh tokens revoked, push token dropped (a signed-out phone
    /// must not show notifications), its unexpired access tokens refused by every service and its open connections
    /// closed. False when the user has no such device.
    /// </summary>
    public async Task<bool> EndAsync(Guid userId, Guid deviceId, CancellationToken cancellationToken)
    {
        var ended = await db.Devices
            .Where(d => d.Id == deviceId && d.UserId == userId && d.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.RevokedAt, time.GetUtcNow()).SetProperty(d => d.PushToken, (string?)null), cancellationToken);

        // A session already ended is ended again in Redis: an earlier attempt may have failed after the database
        // write, and its retry must not leave the access tokens working.
        if (!await db.Devices.AnyAsync(d => d.Id == deviceId && d.UserId == userId, cancellationToken))
        {
            return false;
        }

        await refreshTokens.RevokeDeviceAsync(deviceId, cancellationToken);
        await revokedDevices.RevokeAsync(userId, deviceId, accessTokens.Lifetime);
        if (ended > 0)
        {
            await deviceList.ChangedAsync(userId, cancellationToken);
        }

        return true;
    }
}
