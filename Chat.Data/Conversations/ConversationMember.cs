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
}

public enum MemberRole
{
    Member = 0,
    Admin = 1,
    Owner = 2,
}
