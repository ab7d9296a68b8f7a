namespace Chat.Realtime.Hubs;

/// <summary><see cref="AttachmentId"/>, when given, makes it an attachment message carrying that uploaded file.</summary>
public sealed record SendMessageRequest(Guid ConversationId, string? ClientMessageId, string? Content, Guid? AttachmentId = null);

/// <summary><see cref="ClientMessageId"/> is optional: with it, a retried edit is stored once.</summary>
public sealed record EditMessageRequest(Guid ConversationId, Guid MessageId, string? Content, string? ClientMessageId = null);

public sealed record DeleteMessageRequest(Guid ConversationId, Guid MessageId, string? ClientMessageId = null);

public sealed record PositionRequest(Guid ConversationId, long Seq);

public sealed record TypingRequest(Guid ConversationId);
