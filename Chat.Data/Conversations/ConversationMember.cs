namespace Chat.Data.Conversations;

public sealed class ConversationMember
{
    public Guid ConversationId { get; init; }
    public Guid UserId { get; init; }
    public MemberRole Role { get; set; }
    public DateTimeOffset JoinedAt { get; set; }

    /// <summary>Set when the member leaves or is removed: they keep what was sent up to here and see nothing after.</summary>
    public long? LeftSeq { get; set; }

    /// <summary>Highest seq the member's devices have received; only moves forward.</summary>
    public long DeliveredSeq { get; set; }

    /// <summary>Highest seq the member has read; only moves forward.</summary>
    public long ReadSeq { get; set; }

    /// <summary>Whether this member received the conversation as a message request from a stranger, and answered it.</summary>
    public MessageRequest Request { get; set; }

    /// <summary>Hidden from the member's list while the conversation's last seq is at most this: a new event shows it again.</summary>
    public long? HiddenThroughSeq { get; set; }

    /// <summary>No push for this member's devices until then; unread counts go on.</summary>
    public DateTimeOffset? MutedUntil { get; set; }
}

public enum MessageRequest
{
    /// <summary>Not a request: the member started the conversation, or shared one with whoever did.</summary>
    None = 0,

    /// <summary>A request not yet accepted: its messages are stored and synced, with no push and no presence either way.</summary>
    Pending = 1,

    /// <summary>A request the member accepted: a normal conversation, still counted as one started with a stranger.</summary>
    Accepted = 2,
}

public enum MemberRole
{
    Member = 0,
    Admin = 1,
    Owner = 2,
}
