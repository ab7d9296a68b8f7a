namespace Chat.Data.Conversations;

/// <summary>
/// One event in a conversation's sequence: a text message, an edit or delete of one, or a change of membership.
/// Content is opaque to the server (clients may send ciphertext).
/// </summary>
public sealed class Message
{
    public Guid Id { get; init; }
    public Guid ConversationId { get; init; }
    public long Seq { get; init; }
    public MessageKind Kind { get; init; }
    public Guid SenderId { get; init; }
    public Guid SenderDeviceId { get; init; }

    /// <summary>The sender's own id for the message; a resend with the same id is the same message.</summary>
    public required string ClientMessageId { get; init; }

    /// <summary>Null once the message is deleted: deletion erases, not hides.</summary>
    public string? Content { get; set; }

    /// <summary>
    /// A text message's content as first sent, kept once it is edited (<see cref="Content"/> then holds the latest
    /// edit): a member who left before an edit still sees the message as it was when they left. Null until edited,
    /// and once deleted.
    /// </summary>
    public string? OriginalContent { get; set; }

    public Guid? TargetMessageId { get; init; }
    public DateTimeOffset SentAt { get; init; }

    /// <summary>The member a membership event is about (the sender is who made the change).</summary>
    public Guid? MemberId { get; init; }

    /// <summary>The file an attachment message carries; its content (perhaps ciphertext) describes it for the members.</summary>
    public Guid? AttachmentId { get; init; }
}

public enum MessageKind
{
    Text = 1,
    Edit = 2,
    Delete = 3,
    MemberAdded = 4,
    MemberRemoved = 5,
    MemberLeft = 6,

    /// <summary>A call ended: its outcome and length, written by the server (content is JSON, not the sender's).</summary>
    Call = 7,

    /// <summary>A file (<see cref="Message.AttachmentId"/>) with what the members need to show it, in the content.</summary>
    Attachment = 8,

    /// <summary>A member's role changed (<see cref="Message.MemberId"/>); the content is the new role's name, written by the server.</summary>
    RoleChanged = 9,
}
