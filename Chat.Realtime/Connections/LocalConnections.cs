using System.Collections.Concurrent;
using Chat.Messaging.Presence;

namespace Chat.Realtime.Connections;

/// <summary>This node's open hub connections, by user, so fan-out delivers only to users connected here.</summary>
public sealed class LocalConnections : INodeConnections
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, Guid>> _byUser = new();

    public int Count => _byUser.Values.Sum(c => c.Count);

    public void Add(Guid userId, string connectionId, Guid deviceId) =>
        _byUser.GetOrAdd(userId, _ => new ConcurrentDictionary<string, Guid>())[connectionId] = deviceId;

    public void Remove(Guid userId, string connectionId)
    {
        if (_byUser.TryGetValue(userId, out var connections) && connections.TryRemove(connectionId, out _) && connections.IsEmpty)
        {
            // A connect racing with this removal re-adds through GetOrAdd; removing only the empty instance keeps it.
            _byUser.TryRemove(new KeyValuePair<Guid, ConcurrentDictionary<string, Guid>>(userId, connections));
        }
    }

    /// <param name="exceptDevice">A device none of whose connections are wanted (the sender of a message).</param>
    public List<string> ConnectionsOf(IEnumerable<Guid> userIds, Guid? exceptDevice = null)
    {
        var found = new List<string>();
        foreach (var userId in userIds)
        {
            if (_byUser.TryGetValue(userId, out var connections))
            {
                foreach (var (connectionId, deviceId) in connections)
                {
                    if (deviceId != exceptDevice)
                    {
                        found.Add(connectionId);
                    }
                }
            }
        }

        return found;
    }

    public int CountOf(Guid userId) => _byUser.TryGetValue(userId, out var connections) ? connections.Count : 0;

    public bool Holds(Guid userId, string connectionId) => _byUser.TryGetValue(userId, out var connections) && connections.ContainsKey(connectionId);

    public IReadOnlyList<(Guid UserId, Guid DeviceId, string ConnectionId)> All() =>
        _byUser.SelectMany(user => user.Value.Select(c => (user.Key, c.Value, c.Key))).ToList();

    public List<string> ConnectionsOfDevice(Guid userId, Guid deviceId) =>
        _byUser.TryGetValue(userId, out var connections)
            ? connections.Where(c => c.Value == deviceId).Select(c => c.Key).ToList()
            : [];
}
