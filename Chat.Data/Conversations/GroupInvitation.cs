namespace Chat.Data.Conversations;

/// <summary>
/// A group's invitation to someone who shared no conversation with the member who added them: not a membership
/// until they accept it.
/// </summary>
public sealed class GroupInvitation
{
    public Guid ConversationId { get; init; }
    public Guid UserId { get; init; }
    public Guid InvitedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
