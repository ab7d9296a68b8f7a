using System.Text;

namespace Chat.Client.Crypto;

/// <summary>What a ciphertext is bound to (authenticated as associated data), so that the server cannot move it.</summary>
public static class MessageBinding
{
    /// <summary>A conversation message: conversation (16) || sending device (16) || client message id (UTF-8).</summary>
    public static byte[] Conversation(Guid conversationId, Guid senderDeviceId, string clientMessageId) =>
        [.. WireBytes.Uuid(conversationId), .. WireBytes.Uuid(senderDeviceId), .. Encoding.UTF8.GetBytes(clientMessageId)];

    /// <summary>A device message: sending device (16) || recipient device (16) || client message id (UTF-8).</summary>
    public static byte[] Device(Guid senderDeviceId, Guid recipientDeviceId, string clientMessageId) =>
        [.. WireBytes.Uuid(senderDeviceId), .. WireBytes.Uuid(recipientDeviceId), .. Encoding.UTF8.GetBytes(clientMessageId)];
}
