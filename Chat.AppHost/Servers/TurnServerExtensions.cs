namespace Chat.AppHost.Servers;

public static class TurnServerExtensions
{
    /// <summary>
    /// A TURN relay (coturn) that accepts credentials made from <paramref name="secret"/> (its REST-API scheme): the
    /// locally installed <c>turnserver</c>, or coturn's image where a container runtime answers. It listens on UDP
    /// and TCP on one port; its address, as a turn: URI, is for the API to hand to clients.
    /// </summary>
    public static (IResourceBuilder<IResource> Resource, EndpointReference Endpoint) AddChatTurn(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, ServerMode mode, IResourceBuilder<ParameterResource> secret)
    {
        var port = LocalServerPaths.FreePort();
        if (mode == ServerMode.Containers)
        {
            // Host networking: a relay hands out ports of its own host, a range no port mapping could list.
            var container = builder.AddContainer(name, "coturn/coturn", "4.6")
                .WithContainerRuntimeArgs("--network=host")
                .WithEndpoint(LocalTurnResource.EndpointName, e => (e.UriScheme, e.Port, e.TargetPort, e.IsProxied) = ("turn", port, port, false))
                .WithEnvironment("TURN_SECRET", secret)
                .WithEntrypoint("sh")
                .WithArgs("-c", StartScript("TURN_SECRET", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", $"--listening-port={port}", "--allow-loopback-peers"));
            return (container, container.GetEndpoint(LocalTurnResource.EndpointName));
        }

        var turn = builder.AddResource(new LocalTurnResource(name, builder.AppHostDirectory))
            .WithEndpoint(LocalTurnResource.EndpointName, e => (e.UriScheme, e.Port, e.TargetPort, e.IsProxied) = ("turn", port, port, false))
            .WithArgs(LocalServerPaths.Script(builder, "turn.sh"), LocalServerPaths.DataDirectory(builder, name), port.ToString())
            .WithEnvironment("TURN_SECRET", secret);
        return (turn, turn.GetEndpoint(LocalTurnResource.EndpointName));
    }

    /// <summary>Peers a cluster's relay refuses: private, loopback, link-local, shared (CGNAT) and reserved ranges, IPv4 and IPv6.</summary>
    private static readonly string[] DeniedPeerRanges =
    [
        "0.0.0.0-0.255.255.255", "10.0.0.0-10.255.255.255", "100.64.0.0-100.127.255.255", "127.0.0.0-127.255.255.255",
        "169.254.0.0-169.254.255.255", "172.16.0.0-172.31.255.255", "192.0.0.0-192.0.0.255", "192.168.0.0-192.168.255.255",
        "198.18.0.0-198.19.255.255", "240.0.0.0-255.255.255.255", "::1", "::ffff:0.0.0.0-::ffff:255.255.255.255",
        "64:ff9b::-64:ff9b::ffff:ffff", "fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    ];

    /// <summary>
    /// A shell line for coturn's image: the secret (the environment variable <paramref name="secretVariable"/>) goes
    /// into a config file first, so it shows in no process list and no container description; then turnserver
    /// starts with it and <paramref name="options"/>. No quotes, ampersands or redirections: aspirate's templates
    /// escape them as HTML, so sed writes the file.
    /// </summary>
    private static string StartScript(string secretVariable, params string[] options) =>
        $"umask 077; printenv {secretVariable} | sed -n s/^/static-auth-secret=/w/tmp/turnserver.conf; exec turnserver -c /tmp/turnserver.conf "
        + string.Join(' ', [
            "--realm=chat", "--use-auth-secret", "--no-tls", "--no-dtls", "--no-cli", "--no-tcp-relay", "--no-multicast-peers",
            "--log-file=stdout", "--pidfile=/tmp/turnserver.pid", .. options,
        ]);

    private static string ClusterSecretVariable(IResourceBuilder<ParameterResource> secret) => $"ConnectionStrings__{secret.Resource.Name.Replace('-', '_')}";

    /// <summary>The relay's listening port in a cluster (TURN's standard port), UDP and TCP.</summary>
    public const int ClusterPort = 3478;

    /// <summary>Relay ports of a cluster's relay: two per relayed call (one each side), so 20 relayed calls per pod.</summary>
    public static readonly (int First, int Last) ClusterRelayPorts = (49152, 49191);

    /// <summary>
    /// The relay a cluster runs: coturn's image with its UDP and TCP port and its relay ports, every one named so
    /// that the Service can carry it (a LoadBalancer: the HTTP ingress cannot). The secret and the public address
    /// reach it as environment variables that its arguments name, expanded by Kubernetes when it starts.
    /// </summary>
    public static IResourceBuilder<ContainerResource> AddClusterTurn(this IDistributedApplicationBuilder builder, [ResourceName] string name,
        IResourceBuilder<ParameterResource> secret, IResourceBuilder<ParameterResource> publicAddress)
    {
        var turn = builder.AddContainer(name, "coturn/coturn", "4.6")
            .WithEndpoint(ClusterPort, ClusterPort, "turn", "turn", isProxied: false)
            .WithEndpoint("turn-udp", e => (e.UriScheme, e.Port, e.TargetPort, e.Protocol, e.Transport, e.IsProxied) =
                ("turn", ClusterPort, ClusterPort, System.Net.Sockets.ProtocolType.Udp, "udp", false))
            // A connection string, so that every route to the cluster keeps it in a Secret; no dash in its name,
            // which the image's shell would drop from the environment.
            .WithEnvironment(ClusterSecretVariable(secret), secret)
            .WithEnvironment("TURN_EXTERNAL_IP", publicAddress)
            .WithEntrypoint("sh")
            .WithArgs("-c", StartScript(ClusterSecretVariable(secret), [
                $"--listening-port={ClusterPort}", $"--min-port={ClusterRelayPorts.First}", $"--max-port={ClusterRelayPorts.Last}",
                "--external-ip=$TURN_EXTERNAL_IP",
                // Two relays per call, per user; the pod's ports shared by many users.
                "--user-quota=4", "--total-quota=40",
                // Relays reach the internet only, never the cluster's, the host's or other reserved networks.
                .. DeniedPeerRanges.Select(range => $"--denied-peer-ip={range}"),
            ]));
        for (var port = ClusterRelayPorts.First; port <= ClusterRelayPorts.Last; port++)
        {
            var relayPort = port;
            turn.WithEndpoint($"relay-{relayPort}", e => (e.UriScheme, e.Port, e.TargetPort, e.Protocol, e.Transport, e.IsProxied) =
                ("udp", relayPort, relayPort, System.Net.Sockets.ProtocolType.Udp, "udp", false));
        }

        return turn;
    }
}
