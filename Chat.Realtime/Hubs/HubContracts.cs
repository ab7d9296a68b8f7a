namespace Chat.Realtime.Hubs;

public sealed record SendMessageRequest(Guid ConversationId, string? ClientMessageId, string? Content);

/// <summary><see cref="ClientMessageId"/> is optional: with it, a retried edit is stored once.</summary>
public sealed record EditMessageRequest(Guid ConversationId, Guid MessageId, string? Content, string? ClientMessageId = null);

public sealed record DeleteMessageRequest(Guid ConversationId, Guid MessageId, string? ClientMessageId = null);

public sealed record PositionRequest(Guid ConversationId, long Seq);

public sealed record TypingRequest(Guid ConversationId);
