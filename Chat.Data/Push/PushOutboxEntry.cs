namespace Chat.Data.Push;

/// <summary>
/// Work for the push worker, written in the same transaction as what causes it (a message, a read), so that a
/// committed message always gets its notifications, whenever and wherever the worker runs.
/// </summary>
public sealed class PushOutboxEntry
{
    /// <summary>
    /// The channel a statement that inserts entries notifies (a trigger, in the same transaction, so the worker
    /// hears of an entry when it commits and not before).
    /// </summary>
    public const string NotificationChannel = "push_outbox";

    public long Id { get; init; }
    public PushKind Kind { get; init; }
    public Guid ConversationId { get; init; }

    /// <summary>The new message, for <see cref="PushKind.Message"/>.</summary>
    public Guid? MessageId { get; init; }

    /// <summary>Who caused the entry: the sender (not notified) or the reader (whose other devices get a badge update).</summary>
    public Guid UserId { get; init; }

    /// <summary>The call that rings, for <see cref="PushKind.Call"/>: one entry per call, whoever retries its start.</summary>
    public Guid? CallId { get; init; }

    /// <summary>Whom a <see cref="PushKind.Call"/> rings: the invitees, not always every other member of a group.</summary>
    public Guid[]? Recipients { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the operation that queued the entry (a message's send), so that its push joins
    /// the message's trace; null when that operation was not traced.
    /// </summary>
    public string? TraceParent { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ProcessedAt { get; set; }
}

public enum PushKind
{
    Message = 1,
    Badge = 2,

    /// <summary>A call rings the recipients' devices that have no connection: high priority, no SDP.</summary>
    Call = 3,
}
