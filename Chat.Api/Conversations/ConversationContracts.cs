using System.ComponentModel.DataAnnotations;
using Chat.Api.Validation;
using Chat.Messaging.Messages;

namespace Chat.Api.Conversations;

/// <summary><c>{kind: "direct", userId}</c> or <c>{kind: "group", title, memberIds}</c>.</summary>
public sealed record CreateConversationRequest(
    [property: Required, AllowedValues("direct", "group")] string Kind,
    Guid? UserId,
    [property: MaxLength(128), PlainText] string? Title,
    IReadOnlyList<Guid>? MemberIds);

public sealed record AddMemberRequest([property: Required] Guid UserId);

public sealed record RenameConversationRequest([property: Required, MinLength(1), MaxLength(128), PlainText] string Title);

public sealed record MemberResponse(Guid UserId, string Role, long DeliveredSeq, long ReadSeq);

/// <summary>Someone invited to a group who has not answered yet: not a member.</summary>
public sealed record InvitedResponse(Guid UserId, Guid InvitedBy, DateTimeOffset CreatedAt);

/// <summary><c>{role: "admin"|"member"}</c>: what an owner makes another member.</summary>
public sealed record ChangeRoleRequest([property: Required, AllowedValues("admin", "member", ErrorMessage = "role is \"admin\" or \"member\".")] string Role);

public sealed record TransferOwnershipRequest([property: Required] Guid UserId);

/// <summary>Declining a message request hides it; with <c>block</c>, its sender is blocked as well.</summary>
public sealed record DeclineRequest(bool Block = false);

/// <summary>Mute until a time, or without <c>until</c>, until unmuted.</summary>
public sealed record MuteRequest(DateTimeOffset? Until);

public sealed record MuteResponse(DateTimeOffset MutedUntil);

/// <summary>
/// A conversation as one member sees it. <c>request</c> is <c>"received"</c> for a message request the member has
/// not answered, <c>"sent"</c> for one the other member has not, null otherwise.
/// </summary>
public sealed record ConversationResponse(
    Guid Id,
    string Kind,
    string? Title,
    IReadOnlyList<MemberResponse> Members,
    long LastSeq,
    long ReadSeq,
    long UnreadCount,
    MessageEvent? LastMessage,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivityAt,
    string? Request,
    bool Hidden,
    DateTimeOffset? MutedUntil,
    IReadOnlyList<InvitedResponse> Invited);

/// <summary>A page of the conversation list; <c>next</c> asks for the following page, null on the last.</summary>
public sealed record ConversationPage(IReadOnlyList<ConversationResponse> Conversations, string? Next);
