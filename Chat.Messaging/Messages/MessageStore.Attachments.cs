using Chat.Messaging.Errors;
using Npgsql;

namespace Chat.Messaging.Messages;

public sealed partial class MessageStore
{
    /// <summary>
    /// An attachment message may name only a file its sender uploaded to this conversation, whose stored bytes were
    /// checked, and that no other message carries. The row is locked until the message commits: two sends naming
    /// the same file store one.
    /// </summary>
    private static async Task<ChatError?> LockAttachmentAsync(NpgsqlConnection connection, NewMessage message, Guid attachmentId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT uploader_id = @sender_id AND conversation_id = @conversation_id AND deleted_at IS NULL, verified_at IS NOT NULL, message_id IS NOT NULL
            FROM attachments WHERE id = @attachment_id FOR UPDATE
            """, connection);
        command.Parameters.AddWithValue("attachment_id", attachmentId);
        command.Parameters.AddWithValue("sender_id", message.SenderId);
        command.Parameters.AddWithValue("conversation_id", message.ConversationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || !reader.GetBoolean(0))
        {
            return ChatErrors.AttachmentNotFound;
        }

        return !reader.GetBoolean(1) ? ChatErrors.AttachmentNotVerified
            : reader.GetBoolean(2) ? ChatErrors.AttachmentInUse
            : null;
    }

    private static async Task AttachAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid attachmentId, Guid messageId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("UPDATE attachments SET message_id = @message_id WHERE id = @attachment_id", connection, transaction);
        command.Parameters.AddWithValue("attachment_id", attachmentId);
        command.Parameters.AddWithValue("message_id", messageId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
