namespace Chat.Client.Realtime;

// The hub's events and answers (docs/protocol.md), as a client reads them.

public sealed record MessageEvent(Guid MessageId, Guid ConversationId, long Seq, string Kind, Guid SenderId, Guid SenderDeviceId,
    string ClientMessageId, string? Content, Guid? TargetMessageId, DateTimeOffset SentAt, Guid? MemberId = null, Guid? AttachmentId = null);

public sealed record MessageAck(Guid MessageId, Guid ConversationId, long Seq, DateTimeOffset SentAt);

public sealed record SyncResult(List<MessageEvent> Messages, bool HasMore);

public sealed record DeviceMessageEvent(long Seq, Guid SenderId, Guid SenderDeviceId, string ClientMessageId, string Ciphertext, DateTimeOffset SentAt);

public sealed record DeviceMessagePage(List<DeviceMessageEvent> Messages, bool HasMore);

public sealed record DeviceSendAck(string ClientMessageId, DateTimeOffset SentAt);

public sealed record DevicesChanged(Guid UserId);
