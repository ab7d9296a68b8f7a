using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace Chat.AppHost.Servers;

/// <summary>Where local servers keep their data and which port they listen on.</summary>
internal static class LocalServerPaths
{
    /// <summary>Overrides the data root (tests use their own so they never share a data folder with a running developer instance).</summary>
    public const string DataRootKey = "Chat:DataDirectory";

    /// <summary>Data survives restarts in <c>.data/</c> at the repository root, which git ignores.</summary>
    public static string DataDirectory(IDistributedApplicationBuilder builder, string resourceName)
    {
        var root = builder.Configuration[DataRootKey]
            ?? Path.Combine(builder.AppHostDirectory, "..", ".data");
        return Path.GetFullPath(Path.Combine(root, resourceName));
    }

    public static string Script(IDistributedApplicationBuilder builder, string fileName) =>
        Path.Combine(builder.AppHostDirectory, "Servers", fileName);

    /// <summary>A loopback port free now. The server binds it moments later; a clash fails loudly at start.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
