using Chat.Messaging.Redis;
using StackExchange.Redis;

namespace Chat.Messaging.Fanout;

/// <summary>
/// Which realtime nodes hold connections of which users, read from the presence registry
/// (<see cref="RedisNames.UserConnections"/>) at the moment of publishing: the fan-out sends an event only to the
/// nodes of its recipients. Nothing is cached. A device that registers its connection after the lookup connected
/// after the event was committed, and the Sync every client makes once connected reads it from PostgreSQL.
/// </summary>
public sealed class RecipientNodes(IConnectionMultiplexer redis)
{
    /// <summary>The connected devices of each of <paramref name="users"/> that has one, with their nodes: one read per user, sent together.</summary>
    public async Task<Dictionary<Guid, (string Node, Guid? Device)[]>> OfAsync(IReadOnlyCollection<Guid> users)
    {
        var db = redis.GetDatabase();
        var lookups = users.Select(user => (User: user, Connections: db.HashValuesAsync(RedisNames.UserConnections(user)))).ToList();
        await Task.WhenAll(lookups.Select(l => l.Connections));
        var devices = new Dictionary<Guid, (string, Guid?)[]>(lookups.Count);
        foreach (var (user, connections) in lookups)
        {
            var values = connections.Result;
            if (values.Length > 0)
            {
                devices[user] = values.Select(v => v.ToString()).Select(v => (RedisNames.NodeOf(v), RedisNames.DeviceOf(v))).Distinct().ToArray();
            }
        }

        return devices;
    }

    /// <summary>The items of a batch grouped by the node they go to (the nodes of the recipients' devices), each node's in batch order.</summary>
    public async Task<Dictionary<string, List<T>>> RouteAsync<T>(IReadOnlyList<T> items, Func<T, IReadOnlyList<Guid>> recipientsOf)
    {
        var devicesOf = await OfAsync(items.SelectMany(recipientsOf).ToHashSet());
        var routed = new Dictionary<string, List<T>>();
        var nodes = new HashSet<string>();
        foreach (var item in items)
        {
            nodes.Clear();
            foreach (var recipient in recipientsOf(item))
            {
                if (devicesOf.TryGetValue(recipient, out var devices))
                {
                    nodes.UnionWith(devices.Select(d => d.Node));
                }
            }

            foreach (var node in nodes)
            {
                if (!routed.TryGetValue(node, out var list))
                {
                    routed[node] = list = [];
                }

                list.Add(item);
            }
        }

        return routed;
    }
}
