namespace Chat.Messaging.Conversations;

/// <summary>An invitation to a group as its invitee sees it: the <c>invitation</c> event, and each item of <c>GET /api/invitations</c>.</summary>
public sealed record InvitationEvent(Guid ConversationId, string? Title, Guid InvitedBy, DateTimeOffset CreatedAt, int MemberCount);
