using Chat.Data.Messaging;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Realtime.Hubs;

/// <summary>
/// The errors a hub call can end with. SignalR passes a HubException's message to the caller as the invocation's
/// error; each starts with a stable code ("not_member: ...") that clients can switch on.
/// </summary>
public static class HubErrors
{
    public static HubException Invalid(string detail) => new($"invalid_argument: {detail}");

    public static HubException ContentTooLarge() =>
        new($"content_too_large: content may take at most {MessageStore.MaxContentBytes} bytes as UTF-8.");

    public static HubException RateLimited(TimeSpan retryAfter) =>
        new($"rate_limited: too many messages; retry after {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} second(s).");

    public static HubException NotMember() => new("not_member: you are not a member of this conversation.");

    public static HubException From(MessageStoreError error) => error switch
    {
        MessageStoreError.ConversationNotFound => new HubException("conversation_not_found: no conversation has this id."),
        MessageStoreError.NotMember => NotMember(),
        MessageStoreError.TargetNotFound => new HubException("message_not_found: no text message with this id in this conversation."),
        MessageStoreError.NotSender => new HubException("not_sender: only the sender may edit or delete a message."),
        MessageStoreError.TargetDeleted => new HubException("message_deleted: the message has been deleted."),
        MessageStoreError.ClientMessageIdReused => Invalid("this clientMessageId was already used for a message in another conversation."),
        MessageStoreError.ClientMessageIdInvalid => Invalid($"clientMessageId is required, at most {MessageStore.MaxClientMessageIdLength} characters."),
        MessageStoreError.ContentRequired => Invalid("content is required."),
        MessageStoreError.ContentTooLarge => ContentTooLarge(),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };
}
