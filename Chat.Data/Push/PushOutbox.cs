namespace Chat.Data.Push;

public static class PushOutbox
{
    /// <summary>A read on one device: the user's offline devices get a silent badge update.</summary>
    public static void AddBadgeUpdate(ChatDbContext db, Guid userId, Guid conversationId, DateTimeOffset now) =>
        db.PushOutbox.Add(new PushOutboxEntry { Kind = PushKind.Badge, UserId = userId, ConversationId = conversationId, CreatedAt = now });
}
