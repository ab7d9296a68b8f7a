namespace Chat.Messaging.Devices;

/// <summary>The payload of <c>prekeysLow</c>: that device of the user should publish more one-time prekeys.</summary>
public sealed record PrekeysLow(Guid DeviceId, int Remaining);
