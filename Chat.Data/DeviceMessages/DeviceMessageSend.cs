namespace Chat.Data.DeviceMessages;

/// <summary>
/// That a device's send with this client id was stored: a resend finds it and is acknowledged without storing the
/// envelopes again, even after their recipients acknowledged (and so deleted) them. Kept as long as envelopes are.
/// </summary>
public sealed class DeviceMessageSend
{
    public Guid SenderDeviceId { get; init; }
    public required string ClientMessageId { get; init; }
    public DateTimeOffset SentAt { get; init; }
}
