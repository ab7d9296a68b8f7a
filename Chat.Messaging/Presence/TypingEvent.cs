namespace Chat.Messaging.Presence;

/// <summary>The <c>typing</c> event: a member is typing in a conversation; sent to online devices only, never stored.</summary>
public sealed record TypingEvent(Guid ConversationId, Guid UserId);
