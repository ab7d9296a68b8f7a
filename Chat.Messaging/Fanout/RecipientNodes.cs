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
    /// <summary>The nodes of each of <paramref name="users"/> that has a connection: one read per user, sent together.</summary>
    public async Task<Dictionary<Guid, string[]>> OfAsync(IReadOnlyCollection<Guid> users)
    {
        var db = redis.GetDatabase();
        var lookups = users.Select(user => (User: user, Connections: db.HashValuesAsync(RedisNames.UserConnections(user)))).ToList();
        await Task.WhenAll(lookups.Select(l => l.Connections));
        var nodes = new Dictionary<Guid, string[]>(lookups.Count);
        foreach (var (user, connections) in lookups)
        {
            var values = connections.Result;
            if (values.Length > 0)
            {
                nodes[user] = values.Select(v => RedisNames.NodeOf(v.ToString())).Distinct().ToArray();
            }
        }

        return nodes;
    }

    /// <summary>The events of a batch grouped by the node they go to, each node's in batch order.</summary>
    public async Task<Dictionary<string, List<T>>> RouteAsync<T>(IReadOnlyList<T> items, Func<T, IReadOnlyList<Guid>> recipientsOf)
    {
        var nodesOf = await OfAsync(items.SelectMany(recipientsOf).ToHashSet());
        var routed = new Dictionary<string, List<T>>();
        var nodes = new HashSet<string>();
        foreach (var item in items)
        {
            nodes.Clear();
            foreach (var recipient in recipientsOf(item))
            {
                if (nodesOf.TryGetValue(recipient, out var held))
                {
                    nodes.UnionWith(held);
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
