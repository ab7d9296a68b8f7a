using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Chat.Data;
using Chat.Data.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chat.Api.Auth;

/// <summary>
/// Single-use refresh tokens. The client holds the only copy of a token; the database holds its SHA-256 hash,
/// so a database leak yields no usable token.
/// </summary>
public sealed class RefreshTokenStore(ChatDbContext db, IOptions<AuthOptions> options, TimeProvider time, ILogger<RefreshTokenStore> logger)
{
    public abstract record RotationResult;
    public sealed record Rotated(RefreshToken Previous, string Token) : RotationResult;
    public sealed record Rejected : RotationResult;

    /// <summary>A token spent before was presented again: its whole sign-in is revoked, and the device must be signed out.</summary>
    public sealed record Reused(Guid UserId, Guid DeviceId) : RotationResult;

    /// <summary>Adds a token to a family (a new one at login); saved with the caller's next SaveChanges.</summary>
    public string Issue(Guid userId, Guid deviceId, Guid familyId)
    {
        var token = Base64UrlToken();
        var now = time.GetUtcNow();
        db.RefreshTokens.Add(new RefreshToken
        {
            Id = Guid.CreateVersion7(),
            TokenHash = Hash(token),
            FamilyId = familyId,
            UserId = userId,
            DeviceId = deviceId,
            CreatedAt = now,
            ExpiresAt = now + options.Value.RefreshTokenLifetime,
        });
        return token;
    }

    /// <summary>
    /// Spends a token and issues its successor. A token spent before (or revoked) revokes its whole family:
    /// the legitimate client and a thief cannot both hold the next token.
    /// </summary>
    public async Task<RotationResult> RotateAsync(string presented, CancellationToken cancellationToken)
    {
        var hash = Hash(presented);
        var current = await db.RefreshTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        var now = time.GetUtcNow();
        if (current is null || current.ExpiresAt <= now || current.RevokedAt is not null
            || await db.Devices.AnyAsync(d => d.Id == current.DeviceId && d.RevokedAt != null, cancellationToken))
        {
            return new Rejected();
        }

        // Spending is a conditional update, so two concurrent refreshes with one token cannot both succeed.
        var spent = current.UsedAt is null
            && await db.RefreshTokens
                .Where(t => t.Id == current.Id && t.UsedAt == null && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), cancellationToken) == 1;
        if (!spent)
        {
            var revoked = await RevokeFamilyAsync(current.FamilyId, cancellationToken);
            logger.LogWarning("Refresh token reuse on device {DeviceId}: revoked {Count} token(s) of family {FamilyId}",
                current.DeviceId, revoked, current.FamilyId);
            return new Reused(current.UserId, current.DeviceId);
        }

        var next = Issue(current.UserId, current.DeviceId, current.FamilyId);
        await db.SaveChangesAsync(cancellationToken);
        return new Rotated(current, next);
    }

    public Task<int> RevokeFamilyAsync(Guid familyId, CancellationToken cancellationToken) =>
        RevokeAsync(db.RefreshTokens.Where(t => t.FamilyId == familyId), cancellationToken);

    public Task<int> RevokeDeviceAsync(Guid deviceId, CancellationToken cancellationToken) =>
        RevokeAsync(db.RefreshTokens.Where(t => t.DeviceId == deviceId), cancellationToken);

    private Task<int> RevokeAsync(IQueryable<RefreshToken> tokens, CancellationToken cancellationToken) =>
        tokens.Where(t => t.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, time.GetUtcNow()), cancellationToken);

    private static string Base64UrlToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
