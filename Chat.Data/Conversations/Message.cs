namespace Chat.Data.Conversations;

/// <summary>
/// One event in a conversation's sequence: a text message, or an edit or delete of one. Content is opaque to the
/// server (clients may send ciphertext).
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

    public Guid? TargetMessageId { get; init; }
    public DateTimeOffset SentAt { get; init; }
}

public enum MessageKind
{
    Text = 1,
    Edit = 2,
    Delete = 3,
}
