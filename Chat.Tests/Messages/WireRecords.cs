namespace Chat.Tests.Messages;

// The hub's wire contract as an independent client declares it (from docs/protocol.md, not from the server's types).
public sealed record MessageAck(Guid MessageId, Guid ConversationId, long Seq, DateTimeOffset SentAt);

public sealed record MessageEvent(Guid MessageId, Guid ConversationId, long Seq, string Kind, Guid SenderId, Guid SenderDeviceId,
    string ClientMessageId, string? Content, Guid? TargetMessageId, DateTimeOffset SentAt, Guid? MemberId = null, Guid? AttachmentId = null);

public sealed record SyncResult(List<MessageEvent> Messages, bool HasMore, List<ReceiptPosition> Positions);

public sealed record ReceiptPosition(Guid ConversationId, Guid UserId, long DeliveredSeq, long ReadSeq);

public sealed record ReceiptEvent(Guid ConversationId, Guid UserId, string Kind, long Seq);

public sealed record PresenceEvent(Guid UserId, bool Online, DateTimeOffset? LastSeenAt);

public sealed record InvitationEvent(Guid ConversationId, string? Title, Guid InvitedBy, DateTimeOffset CreatedAt, int MemberCount);
