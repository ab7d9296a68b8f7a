namespace Chat.Bench.Targets;

// Our hub's wire records (docs/protocol.md), as any client writes them.
public sealed record SendMessageRequest(Guid ConversationId, string ClientMessageId, string Content);
// Times as DateTime: over MessagePack they are timestamps, which DateTime reads as it is (docs/protocol.md).
public sealed record MessageAck(Guid MessageId, Guid ConversationId, long Seq, DateTime SentAt);
public sealed record MessageEvent(Guid MessageId, Guid ConversationId, long Seq, string Kind, Guid SenderId, Guid SenderDeviceId,
    string ClientMessageId, string? Content, Guid? TargetMessageId, DateTime SentAt);
public sealed record SyncCursor(Guid ConversationId, long AfterSeq);
public sealed record SyncRequest(IReadOnlyList<SyncCursor> Cursors, int Limit);
public sealed record SyncResult(IReadOnlyList<MessageEvent> Messages, bool HasMore);
public sealed record RegisterRequest(string Username, string Password, string DisplayName);
public sealed record RegisterResponse(Guid UserId);
public sealed record ConversationRequest(string Kind, Guid? UserId = null, string? Title = null, IReadOnlyList<Guid>? MemberIds = null);
/// <summary>A new conversation: a request its recipient must accept (<c>request</c> "sent"), or a group with strangers <c>invited</c>.</summary>
public sealed record ConversationResponse(Guid Id, string? Request = null, IReadOnlyList<InvitedResponse>? Invited = null);

public sealed record InvitedResponse(Guid UserId);
public sealed record PresenceResponse(bool Online);
public sealed record ConversationSummary(Guid Id, long LastSeq);

public sealed record ConversationPage(List<ConversationSummary> Conversations, string? Next);
