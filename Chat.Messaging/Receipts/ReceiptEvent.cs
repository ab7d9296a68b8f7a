namespace Chat.Messaging.Receipts;

/// <summary>The <c>receipt</c> event: a member's devices received or read a conversation up to <see cref="Seq"/>.</summary>
public sealed record ReceiptEvent(Guid ConversationId, Guid UserId, string Kind, long Seq);

public static class ReceiptKinds
{
    public const string Delivered = "delivered";
    public const string Read = "read";
}
