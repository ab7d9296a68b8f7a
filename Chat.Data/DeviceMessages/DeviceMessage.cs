namespace Chat.Data.DeviceMessages;

/// <summary>
/// An opaque envelope addressed to one device (end-to-end encrypted by the sender for that device alone), kept
/// until the device acknowledges it or for 30 days. Numbered per recipient device.
/// </summary>
public sealed class DeviceMessage
{
    public Guid RecipientDeviceId { get; init; }
    public long Seq { get; init; }
    public Guid RecipientUserId { get; init; }
    public Guid SenderId { get; init; }
    public Guid SenderDeviceId { get; init; }
    public required string ClientMessageId { get; init; }
    public required string Ciphertext { get; init; }
    public DateTimeOffset SentAt { get; init; }
}
