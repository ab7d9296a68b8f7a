namespace Chat.Data.Contacts;

/// <summary>
/// <see cref="BlockerId"/> blocked <see cref="BlockedId"/>: the blocked user may not send to the blocker in their
/// direct conversation, nor add them to groups, and neither sees the other's presence.
/// </summary>
public sealed class UserBlock
{
    public Guid BlockerId { get; init; }
    public Guid BlockedId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
