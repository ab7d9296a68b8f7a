namespace Chat.Data.Accounts;

/// <summary>
/// A single-use refresh token, stored only as its SHA-256 hash. Tokens issued from one login share a
/// <see cref="FamilyId"/>: when a used token is presented again, the whole family is revoked, because
/// either the client or a thief holds a copy that should not exist.
/// </summary>
public sealed class RefreshToken
{
    public Guid Id { get; init; }
    public required byte[] TokenHash { get; init; }
    public Guid FamilyId { get; init; }
    public Guid UserId { get; init; }
    public Guid DeviceId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? UsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
