using System.Collections.Concurrent;

namespace Chat.Messaging.Calls;

/// <summary>
/// The devices in calls that are connected to this node: the node renews their deadlines
/// (<see cref="CallSweeper"/>), which lapse if it dies, and so a call learns that a device is gone.
/// </summary>
public sealed class LocalCallDevices
{
    private readonly ConcurrentDictionary<(Guid CallId, Guid DeviceId), byte> _devices = new();

    public void Add(Guid callId, Guid deviceId) => _devices.TryAdd((callId, deviceId), 0);

    public void Remove(Guid callId, Guid deviceId) => _devices.TryRemove((callId, deviceId), out _);

    /// <summary>The device's last connection here closed: its deadline runs out unless it reconnects to some node.</summary>
    public void Forget(Guid deviceId)
    {
        foreach (var key in _devices.Keys.Where(k => k.DeviceId == deviceId))
        {
            _devices.TryRemove(key, out _);
        }
    }

    public IReadOnlyList<(Guid CallId, Guid DeviceId)> All() => [.. _devices.Keys];
}
