using System.Collections.Concurrent;

namespace Chat.Messaging.Calls;

/// <summary>A device in a call through a connection to this node.</summary>
public sealed record LocalCallDevice(Guid CallId, Guid ConversationId, Guid UserId, Guid DeviceId, string ConnectionId);

/// <summary>
/// The devices in calls through connections to this node: the node renews their deadlines
/// (<see cref="CallSweeper"/>), which lapse if it dies or the connection closes, and so a call learns that a
/// device is gone. Each is tied to the one connection that started, answered or resumed the call: tabs of one
/// sign-in share a device, and one of them staying open must not keep a crashed one in a call.
/// </summary>
public sealed class LocalCallDevices
{
    private readonly ConcurrentDictionary<(Guid CallId, Guid DeviceId), LocalCallDevice> _devices = new();

    public void Add(LocalCallDevice device) => _devices[(device.CallId, device.DeviceId)] = device;

    public void Remove(Guid callId, Guid deviceId) => _devices.TryRemove((callId, deviceId), out _);

    /// <summary>The connection closed: its calls keep the device until their deadline, unless it resumes them first.</summary>
    public void ForgetConnection(string connectionId)
    {
        foreach (var (key, device) in _devices)
        {
            if (device.ConnectionId == connectionId)
            {
                _devices.TryRemove(new KeyValuePair<(Guid, Guid), LocalCallDevice>(key, device));
            }
        }
    }

    public IReadOnlyList<LocalCallDevice> All() => [.. _devices.Values];
}
