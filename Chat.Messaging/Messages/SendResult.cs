using Chat.Messaging.Errors;

namespace Chat.Messaging.Messages;

/// <summary>
/// The outcome of appending an event: the stored event and the members to deliver it to, or why nothing was stored.
/// A resend of a stored message answers its first event again with <see cref="Duplicate"/> set and no recipients.
/// </summary>
public sealed record SendResult(MessageEvent? Event, IReadOnlyList<Guid> Recipients, bool Duplicate, ChatError? Error)
{
    public static SendResult Failed(ChatError error) => new(null, [], false, error);
}
