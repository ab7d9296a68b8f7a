namespace Chat.Data.Messaging;

/// <summary>An event to append: text, or an edit or delete of <see cref="TargetMessageId"/>.</summary>
public sealed record NewMessage(
    Guid ConversationId,
    Guid SenderId,
    Guid SenderDeviceId,
    string ClientMessageId,
    string Kind,
    string? Content,
    Guid? TargetMessageId = null);
