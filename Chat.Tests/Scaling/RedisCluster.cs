using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Scaling;

/// <summary>
/// A local Redis Cluster of three primaries from the installed redis-server (three processes and
/// <c>redis-cli --cluster create</c>), in a folder of its own, torn down on dispose.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private readonly List<Process> _servers = [];
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("chat-redis-cluster-");

    public IReadOnlyList<int> Ports { get; private set; } = [];

    public string ConnectionString => string.Join(",", Ports.Select(p => $"127.0.0.1:{p}"));

    public static async Task<RedisCluster> StartAsync(int shards, CancellationToken cancellationToken)
    {
        var cluster = new RedisCluster();
        cluster.Ports = Enumerable.Range(0, shards).Select(_ => FreePort()).ToList();
        foreach (var port in cluster.Ports)
        {
            var folder = Directory.CreateDirectory(Path.Combine(cluster._folder.FullName, port.ToString()));
            cluster._servers.Add(Process.Start(new ProcessStartInfo("redis-server",
            [
                "--port", port.ToString(), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--dir", folder.FullName, "--save", "", "--appendonly", "no",
            ]) { RedirectStandardOutput = true, RedirectStandardError = true })!);
        }

        await Eventually.HoldsAsync(() => cluster.Ports.All(Listening), TimeSpan.FromSeconds(20), () => "redis-server did not listen");
        var create = Process.Start(new ProcessStartInfo("redis-cli",
            ["--cluster", "create", .. cluster.Ports.Select(p => $"127.0.0.1:{p}"), "--cluster-replicas", "0", "--cluster-yes"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await create.StandardOutput.ReadToEndAsync(cancellationToken);
        await create.WaitForExitAsync(cancellationToken);
        Assert.True(create.ExitCode == 0, $"redis-cli --cluster create failed:\n{output}");
        // Each shard learns the others' slots by gossip, on its own time: until every one says ok, a command that
        // lands on a shard still converging is refused with CLUSTERDOWN.
        await Eventually.HoldsAsync(() => cluster.Ports.All(ClusterOk), TimeSpan.FromSeconds(30),
            () => "not every shard reached cluster_state:ok");
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            server.Dispose();
        }

        _folder.Delete(recursive: true);
    }

    private static bool ClusterOk(int port)
    {
        using var info = Process.Start(new ProcessStartInfo("redis-cli", ["-p", port.ToString(), "cluster", "info"]) { RedirectStandardOutput = true })!;
        var text = info.StandardOutput.ReadToEnd();
        info.WaitForExit();
        return text.Contains("cluster_state:ok", StringComparison.Ordinal);
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A port free with its cluster-bus port (10,000 above), below the ephemeral range so that the bus port exists.</summary>
    private static int FreePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(20_000, 30_000);
            if (Free(port) && Free(port + 10_000))
            {
                return port;
            }
        }
    }

    private static bool Free(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
