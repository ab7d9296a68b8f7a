using System.Text.Json;
using Chat.Messaging.DeviceMessages;
using Chat.Messaging.Messages;
using Microsoft.AspNetCore.Http;

namespace Chat.Messaging.Errors;

/// <summary>
/// The table of refusals the domain answers with; docs/protocol.md lists the codes. A code is stable for clients
/// to switch on; the message is for people.
/// </summary>
public static class ChatErrors
{
    public static readonly ChatError ConversationNotFound =
        new("conversation_not_found", StatusCodes.Status404NotFound, "No conversation has this id.");

    /// <summary>For reads, which do not tell an outsider whether the conversation exists.</summary>
    public static readonly ChatError NotVisible =
        new("conversation_not_found", StatusCodes.Status404NotFound, "You are not a member of a conversation with this id.");

    public static readonly ChatError NotMember =
        new("not_member", StatusCodes.Status403Forbidden, "You are not a member of this conversation.");

    /// <summary>The same words whichever side blocked: a blocked user learns nothing more than the refusal.</summary>
    public static readonly ChatError Blocked =
        new("blocked", StatusCodes.Status403Forbidden, "You cannot reach this user.");

    public static readonly ChatError RequestPending =
        new("request_pending", StatusCodes.Status403Forbidden, "This conversation is a message request: accept it first (POST /api/conversations/{id}/accept).");

    public static readonly ChatError RequestNotAccepted =
        new("request_not_accepted", StatusCodes.Status403Forbidden, "Your message request has not been accepted yet.");

    public static readonly ChatError NotAdmin =
        new("not_admin", StatusCodes.Status403Forbidden, "Only a group's owner and admins may add people, and remove only those of a lower role.");

    public static readonly ChatError NotOwner =
        new("not_owner", StatusCodes.Status403Forbidden, "Only a group's owner may change roles or hand on ownership.");

    public static readonly ChatError MemberNotFound =
        new("member_not_found", StatusCodes.Status404NotFound, "No current member of this conversation has this id.");

    public static readonly ChatError InvitationNotFound =
        new("invitation_not_found", StatusCodes.Status404NotFound, "You have no invitation to this conversation.");

    public static readonly ChatError NoRequest =
        new("no_request", StatusCodes.Status409Conflict, "This conversation is not a message request waiting for your answer.");

    public static readonly ChatError TargetNotFound =
        new("message_not_found", StatusCodes.Status404NotFound, "No text message with this id in this conversation.");

    public static readonly ChatError NotSender =
        new("not_sender", StatusCodes.Status403Forbidden, "Only the sender may edit or delete a message.");

    public static readonly ChatError TargetDeleted =
        new("message_deleted", StatusCodes.Status409Conflict, "The message has been deleted.");

    public static readonly ChatError ClientMessageIdReused =
        Invalid("clientMessageId", "This clientMessageId was already used for a message in another conversation.");

    public static readonly ChatError ClientMessageIdInvalid =
        Invalid("clientMessageId", $"clientMessageId is required, at most {MessageRules.MaxClientMessageIdLength} characters, none of them control characters.");

    public static readonly ChatError ContentHasNul = Invalid("content", "content may not contain the NUL character (U+0000).");

    public static readonly ChatError ContentRequired = Invalid("content", "content is required.");

    public static readonly ChatError ContentTooLarge = TooLarge("content", "content");

    /// <summary>Opaque text (content, a ciphertext) over 64 KiB as UTF-8, at <paramref name="field"/>.</summary>
    public static ChatError TooLarge(string field, string what) =>
        new("content_too_large", StatusCodes.Status400BadRequest, $"{what} may take at most {MessageRules.MaxContentBytes} bytes as UTF-8.", field);

    /// <summary>Closes a signed-out device's connections; the client must sign in again rather than reconnect.</summary>
    public static readonly ChatError DeviceSignedOut =
        new("device_signed_out", StatusCodes.Status401Unauthorized, "This device has been signed out; sign in again.");

    public static ChatError NoSharedConversation(Guid userId) =>
        new("no_shared_conversation", StatusCodes.Status403Forbidden, $"You share no conversation with user {userId}.", "envelopes");

    /// <summary>The lists, as JSON, are part of the message too: a hub error carries nothing but its text.</summary>
    public static ChatError StaleDevices(IReadOnlyList<StaleDeviceList> stale) =>
        new("stale_devices", StatusCodes.Status409Conflict,
            "The device lists of these users are out of date; fetch their keys and send again with the same clientMessageId: "
            + JsonSerializer.Serialize(stale, JsonSerializerOptions.Web),
            Extensions: new Dictionary<string, object?> { ["staleDevices"] = stale });

    public static ChatError TooManyConnections(int limit) =>
        new("too_many_connections", StatusCodes.Status429TooManyRequests, $"At most {limit} connections per user on one node; close one first.");

    public static readonly ChatError CallNotFound =
        new("call_not_found", StatusCodes.Status404NotFound, "No call you may see has this id.");

    public static ChatError CallEnded(string? outcome) =>
        new("call_ended", StatusCodes.Status409Conflict, $"The call has ended ({outcome}).");

    public static readonly ChatError AlreadyInCall =
        new("already_in_call", StatusCodes.Status409Conflict, "You are in another call; hang up first.");

    public static ChatError CallInProgress(Guid callId) =>
        new("call_in_progress", StatusCodes.Status409Conflict, $"This conversation has a call in progress, {callId}; join it with AcceptCall.");

    public static readonly ChatError AnsweredElsewhere =
        new("answered_elsewhere", StatusCodes.Status409Conflict, "Another of your devices is in this call.");

    public static ChatError CallFull(int limit) =>
        new("call_full", StatusCodes.Status409Conflict, $"The call already has {limit} participants, its most.");

    public static readonly ChatError NotInCall =
        new("not_in_call", StatusCodes.Status403Forbidden, "This device is not in this call.");

    public static readonly ChatError NotInvited =
        new("not_invited", StatusCodes.Status403Forbidden, "This call does not ring for you.");

    public static readonly ChatError CallNotRinging =
        new("call_not_ringing", StatusCodes.Status409Conflict, "The call was answered; hang up instead.");

    public static ChatError PeerNotInCall(Guid deviceId) =>
        new("peer_not_in_call", StatusCodes.Status409Conflict, $"Device {deviceId} is not in this call.", "toDeviceId");

    public static readonly ChatError CallIdTaken = Invalid("callId", "This callId belongs to another call.");

    public static readonly ChatError ClientMessageIdReserved =
        Invalid("clientMessageId", $"clientMessageId may not start with \"{Messages.MessageRules.CallRecordPrefix}\": the server writes those.");

    public static readonly ChatError AttachmentNotFound =
        new("attachment_not_found", StatusCodes.Status404NotFound, "No attachment of yours for this conversation has this id.");

    public static readonly ChatError AttachmentNotVerified =
        new("attachment_not_uploaded", StatusCodes.Status409Conflict, "The attachment's upload is not complete: upload it, then POST /api/attachments/{id}/complete.");

    public static readonly ChatError AttachmentInUse =
        new("attachment_in_use", StatusCodes.Status409Conflict, "Another message already carries this attachment.");

    public static ChatError Invalid(string field, string message) => new("invalid_argument", StatusCodes.Status400BadRequest, message, field);

    public static ChatError RateLimited(TimeSpan retryAfter, string what = "calls") => new("rate_limited", StatusCodes.Status429TooManyRequests,
        $"Too many {what}; retry after {RetryAfterSeconds(retryAfter)} second(s).");

    /// <summary>A wait in whole seconds, at least one: what a refusal's words and its Retry-After header say.</summary>
    public static int RetryAfterSeconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
}
