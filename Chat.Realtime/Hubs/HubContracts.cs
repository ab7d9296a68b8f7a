using Chat.Data.Messaging;

namespace Chat.Realtime.Hubs;

public sealed record SendMessageRequest(Guid ConversationId, string? ClientMessageId, string? Content);

/// <summary><see cref="ClientMessageId"/> is optional: with it, a retried edit is stored once.</summary>
public sealed record EditMessageRequest(Guid ConversationId, Guid MessageId, string? Content, string? ClientMessageId = null);

public sealed record DeleteMessageRequest(Guid ConversationId, Guid MessageId, string? ClientMessageId = null);

public sealed record SyncCursor(Guid ConversationId, long AfterSeq);

public sealed record SyncRequest(IReadOnlyList<SyncCursor>? Cursors, int? Limit);

/// <summary>A member's delivered and read positions in a conversation.</summary>
public sealed record ReceiptPosition(Guid ConversationId, Guid UserId, long DeliveredSeq, long ReadSeq);

public sealed record SyncResult(IReadOnlyList<MessageEvent> Messages, bool HasMore, IReadOnlyList<ReceiptPosition> Positions);

public sealed record PositionRequest(Guid ConversationId, long Seq);

public sealed record TypingRequest(Guid ConversationId);

public sealed record ReceiptEvent(Guid ConversationId, Guid UserId, string Kind, long Seq);

public sealed record TypingEvent(Guid ConversationId, Guid UserId);

public static class ReceiptKinds
{
    public const string Delivered = "delivered";
    public const string Read = "read";
}
