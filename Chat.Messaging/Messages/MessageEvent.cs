using Chat.Data.Conversations;

namespace Chat.Messaging.Messages;

/// <summary>What SendMessage (and POST .../messages) answers once the message is committed.</summary>
public sealed record MessageAck(Guid MessageId, Guid ConversationId, long Seq, DateTimeOffset SentAt);

/// <summary>
/// The <c>message</c> event, and the shape of every message in Sync and history. <see cref="Kind"/> is the wire
/// name of a <see cref="MessageKind"/> (<see cref="MessageKindNames"/>); edits and deletes name the message they
/// change in <see cref="TargetMessageId"/>, membership events the member in <see cref="MemberId"/>, an attachment
/// message its file in <see cref="AttachmentId"/>.
/// </summary>
public sealed record MessageEvent(
    Guid MessageId,
    Guid ConversationId,
    long Seq,
    string Kind,
    Guid SenderId,
    Guid SenderDeviceId,
    string ClientMessageId,
    string? Content,
    Guid? TargetMessageId,
    DateTimeOffset SentAt,
    Guid? MemberId = null,
    Guid? AttachmentId = null)
{
    public MessageAck ToAck() => new(MessageId, ConversationId, Seq, SentAt);
}
