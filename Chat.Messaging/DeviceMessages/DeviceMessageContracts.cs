namespace Chat.Messaging.DeviceMessages;

/// <summary>One recipient device's envelope: ciphertext the sender made for that device alone.</summary>
public sealed record DeviceEnvelope(Guid UserId, Guid DeviceId, string? Ciphertext);

/// <summary>
/// SendToDevices' argument (and POST /api/devices/current/messages' body): an envelope for every active device of
/// every user named, or the send is refused as <c>stale_devices</c>.
/// </summary>
public sealed record SendToDevicesRequest(string? ClientMessageId, IReadOnlyList<DeviceEnvelope>? Envelopes);

/// <summary>The envelopes are stored: each recipient device gets its copy live or by its next device Sync.</summary>
public sealed record DeviceSendAck(string ClientMessageId, DateTimeOffset SentAt);

/// <summary>The <c>deviceMessage</c> event, and each item of a device Sync: <see cref="Seq"/> counts per recipient device.</summary>
public sealed record DeviceMessageEvent(long Seq, Guid SenderId, Guid SenderDeviceId, string ClientMessageId, string Ciphertext, DateTimeOffset SentAt);

/// <summary>SyncDeviceMessages' argument: envelopes after this device seq (0 for all kept), a page at a time.</summary>
public sealed record DeviceSyncRequest(long After, int? Limit);

public sealed record DeviceMessagePage(IReadOnlyList<DeviceMessageEvent> Messages, bool HasMore);

/// <summary>AckDeviceMessages' argument: the device has what it needs of every envelope up to this seq; they are deleted.</summary>
public sealed record AckDeviceMessagesRequest(long? UpTo);

/// <summary>
/// Why a send was refused as <c>stale_devices</c>, per user: active devices it had no envelope for, and devices it
/// named that are signed out, never published keys, or are not that user's.
/// </summary>
public sealed record StaleDeviceList(Guid UserId, IReadOnlyList<Guid> Missing, IReadOnlyList<Guid> Gone);
