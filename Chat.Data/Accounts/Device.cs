namespace Chat.Data.Accounts;

/// <summary>
/// One signed-in installation of a client. Every login creates one; access tokens name it, presence is
/// tracked per device, and push notifications go to its push token.
/// </summary>
public sealed class Device
{
    public Guid Id { get; init; }
    public Guid UserId { get; init; }
    public required string Name { get; set; }

    /// <summary>"android", "ios" or "web": decides the push payload's platform block.</summary>
    public string? Platform { get; set; }

    public string? PushToken { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>
    /// The seq of the last device message addressed to this device: incremented in the transaction that stores one,
    /// so the device's messages are numbered 1, 2, 3... with no gap (its Sync cursor).
    /// </summary>
    public long LastMessageSeq { get; set; }
}
