using System.Text;
using Chat.Data.Conversations;
using Chat.Messaging.Errors;

namespace Chat.Messaging.Messages;

/// <summary>What a message must be before it is worth a round trip to PostgreSQL.</summary>
public static class MessageRules
{
    /// <summary>Content is opaque (maybe ciphertext); its UTF-8 form may take at most 64 KiB.</summary>
    public const int MaxContentBytes = 64 * 1024;

    public const int MaxClientMessageIdLength = 64;

    /// <summary>The clientMessageId of a call's message starts so, and only a call's: a client cannot forestall one.</summary>
    public const string CallRecordPrefix = "call-";

    /// <summary>A sender's id for a send (a message or a device message): present, at most 64 characters, none a control character.</summary>
    public static bool IsValidClientMessageId(string? clientMessageId) =>
        !string.IsNullOrWhiteSpace(clientMessageId) && clientMessageId.Length <= MaxClientMessageIdLength && !clientMessageId.Any(char.IsControl);

    public static ChatError? Check(NewMessage message)
    {
        if (!IsValidClientMessageId(message.ClientMessageId))
        {
            return ChatErrors.ClientMessageIdInvalid;
        }

        if (message.Kind != MessageKind.Call && message.ClientMessageId.StartsWith(CallRecordPrefix, StringComparison.Ordinal))
        {
            return ChatErrors.ClientMessageIdReserved;
        }

        // Content is opaque and may hold any other character (line breaks, tabs); PostgreSQL's text cannot hold NUL.
        if (message.Content is not null && message.Content.Contains('\0'))
        {
            return ChatErrors.ContentHasNul;
        }

        if (message.Kind != MessageKind.Delete && string.IsNullOrEmpty(message.Content))
        {
            return ChatErrors.ContentRequired;
        }

        return message.Content is not null && Encoding.UTF8.GetByteCount(message.Content) > MaxContentBytes
            ? ChatErrors.ContentTooLarge
            : null;
    }
}
