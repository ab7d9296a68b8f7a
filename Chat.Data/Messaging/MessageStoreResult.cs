namespace Chat.Data.Messaging;

public enum MessageStoreError
{
    None,
    ConversationNotFound,
    NotMember,
    TargetNotFound,
    NotSender,
    TargetDeleted,
    ClientMessageIdReused,
    ClientMessageIdInvalid,
    ContentRequired,
    ContentTooLarge,
}

/// <summary>
/// The outcome of appending an event: the stored event and the members to deliver it to, or why nothing was stored.
/// A resend of a stored message answers its first event again with <see cref="Duplicate"/> set and no recipients.
/// </summary>
public sealed record MessageStoreResult(MessageEvent? Event, IReadOnlyList<Guid> Recipients, bool Duplicate, MessageStoreError Error)
{
    public static MessageStoreResult Failed(MessageStoreError error) => new(null, [], false, error);
}
