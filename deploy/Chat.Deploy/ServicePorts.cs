namespace Chat.Deploy;

/// <summary>
/// The port each binding has in the cluster: a container's own target port, or 8080 for a project's HTTP
/// endpoint (the port ASP.NET Core container images listen on). HTTPS bindings are dropped: TLS ends at the ingress.
/// </summary>
public sealed class ServicePorts(AspireManifest manifest)
{
    public const int ProjectHttpPort = 8080;

    public int PortOf(string resource, string binding)
    {
        var node = manifest.Resource(resource)["bindings"]?[binding]
            ?? throw new InvalidDataException($"{resource} has no binding '{binding}'.");
        if ((int?)node["targetPort"] is { } targetPort)
        {
            return targetPort;
        }

        return manifest.Type(resource).StartsWith("project.", StringComparison.Ordinal) && (string?)node["scheme"] == "http"
            ? ProjectHttpPort
            : throw new NotSupportedException($"{resource}.{binding} has no target port.");
    }

    /// <summary>The bindings a resource serves inside the cluster, with their ports and protocols (TCP, or UDP for a relay).</summary>
    public IEnumerable<(string Name, int Port, string Protocol)> Served(string resource) =>
        (manifest.Resource(resource)["bindings"]?.AsObject() ?? [])
            .Where(b => (string?)b.Value!["scheme"] != "https")
            .Select(b => (b.Key, PortOf(resource, b.Key), (string?)b.Value!["protocol"] == "udp" ? "UDP" : "TCP"));
}
