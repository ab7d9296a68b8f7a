namespace Chat.Messaging.Receipts;

/// <summary>A member's delivered and read positions in a conversation.</summary>
public sealed record ReceiptPosition(Guid ConversationId, Guid UserId, long DeliveredSeq, long ReadSeq);
