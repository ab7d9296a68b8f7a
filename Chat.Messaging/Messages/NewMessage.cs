using Chat.Data.Conversations;

namespace Chat.Messaging.Messages;

/// <summary>An event to append: text, an attachment (<see cref="AttachmentId"/>), or an edit or delete of <see cref="TargetMessageId"/>.</summary>
public sealed record NewMessage(
    Guid ConversationId,
    Guid SenderId,
    Guid SenderDeviceId,
    string ClientMessageId,
    MessageKind Kind,
    string? Content,
    Guid? TargetMessageId = null,
    Guid? AttachmentId = null);
