using Chat.Bench.Targets;

namespace Chat.Bench;

/// <summary>A workload's connected clients, one per user (or several per user), spread over the target's nodes.</summary>
public sealed class Fleet : IAsyncDisposable
{
    private Fleet(IBenchTarget target, IReadOnlyList<BenchUser> users)
    {
        Target = target;
        Users = users;
    }

    public IBenchTarget Target { get; }

    /// <summary>The user of each client.</summary>
    public IReadOnlyList<BenchUser> Users { get; }

    public IReadOnlyList<IBenchClient> Clients { get; private set; } = [];

    /// <summary>What the current workload does with a message that client <c>index</c> received.</summary>
    public Action<int, string> OnMessage { get; set; } = (_, _) => { };

    /// <summary>Connects a client for each user, alternating between nodes, with bounded parallelism.</summary>
    public static async Task<Fleet> ConnectAsync(IBenchTarget target, IReadOnlyList<BenchUser> users, CancellationToken cancellationToken, int parallelism = 64)
    {
        var fleet = new Fleet(target, users);
        var clients = new IBenchClient[users.Count];
        await Parallel.ForAsync(0, users.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) => clients[i] = await target.ConnectAsync(users[i], i, payload => fleet.OnMessage(i, payload), ct));
        fleet.Clients = clients;
        return fleet;
    }

    public async ValueTask DisposeAsync()
    {
        await Parallel.ForEachAsync(Clients, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (client, _) =>
        {
            try
            {
                await client.DisposeAsync();
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or InvalidOperationException)
            {
                // A client the server already closed: nothing left to release.
            }
        });
    }
}
