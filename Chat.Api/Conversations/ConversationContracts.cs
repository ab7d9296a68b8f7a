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
    DateTimeOffset LastActivityAt);

/// <summary>A page of the conversation list; <c>next</c> asks for the following page, null on the last.</summary>
public sealed record ConversationPage(IReadOnlyList<ConversationResponse> Conversations, string? Next);
