namespace Chat.Messaging.Devices;

/// <summary>The payload of <c>devices</c>: the user's list of devices (or their keys) changed; fetch their keys again.</summary>
public sealed record DevicesChanged(Guid UserId);
