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

    public static ChatError? Check(NewMessage message)
    {
        if (string.IsNullOrWhiteSpace(message.ClientMessageId) || message.ClientMessageId.Length > MaxClientMessageIdLength
            || message.ClientMessageId.Any(char.IsControl))
        {
            return ChatErrors.ClientMessageIdInvalid;
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
