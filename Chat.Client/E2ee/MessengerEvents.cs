using Chat.Client.Crypto;

namespace Chat.Client.E2ee;

/// <summary>A conversation message another device sent, decrypted and verified: shown once.</summary>
/// <summary>A conversation message as read on this device; <see cref="AttachmentId"/> names the file an attachment message carries.</summary>
public sealed record DecryptedMessage(Guid ConversationId, long Seq, Guid SenderId, Guid SenderDeviceId, string ClientMessageId, string Text, DateTimeOffset SentAt,
    Guid? AttachmentId = null);

/// <summary>A ciphertext the client refused (reported, never shown): a conversation message (with its seq) or an envelope (device seq).</summary>
public sealed record RefusedMessage(Guid? ConversationId, long Seq, Guid SenderDeviceId, DecryptionFailure Failure, string Detail);
