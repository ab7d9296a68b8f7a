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
                .WithArgs(context =>
                {
                    context.Args.Add("-n");
                    foreach (var arg in new[] { "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", $"--listening-port={port}", "--realm=chat",
                                 "--use-auth-secret", "--no-tls", "--no-dtls", "--no-cli", "--allow-loopback-peers", "--log-file=stdout" })
                    {
                        context.Args.Add(arg);
                    }

                    context.Args.Add(ReferenceExpression.Create($"--static-auth-secret={secret.Resource}"));
                });
            return (container, container.GetEndpoint(LocalTurnResource.EndpointName));
        }

        var turn = builder.AddResource(new LocalTurnResource(name, builder.AppHostDirectory))
            .WithEndpoint(LocalTurnResource.EndpointName, e => (e.UriScheme, e.Port, e.TargetPort, e.IsProxied) = ("turn", port, port, false))
            .WithArgs(LocalServerPaths.Script(builder, "turn.sh"), LocalServerPaths.DataDirectory(builder, name), port.ToString())
            .WithEnvironment("TURN_SECRET", secret);
        return (turn, turn.GetEndpoint(LocalTurnResource.EndpointName));
    }

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
            .WithEnvironment("TURN_SECRET", secret)
            .WithEnvironment("TURN_EXTERNAL_IP", publicAddress)
            .WithArgs("-n", $"--listening-port={ClusterPort}", $"--min-port={ClusterRelayPorts.First}", $"--max-port={ClusterRelayPorts.Last}",
                "--realm=chat", "--use-auth-secret", "--static-auth-secret=$(TURN_SECRET)", "--external-ip=$(TURN_EXTERNAL_IP)",
                "--no-tls", "--no-dtls", "--no-cli", "--no-multicast-peers", "--log-file=stdout", "--pidfile=/tmp/turnserver.pid",
                // Relays reach the internet only, never the cluster's or the host's own networks.
                "--denied-peer-ip=10.0.0.0-10.255.255.255", "--denied-peer-ip=172.16.0.0-172.31.255.255",
                "--denied-peer-ip=192.168.0.0-192.168.255.255", "--denied-peer-ip=127.0.0.0-127.255.255.255",
                "--denied-peer-ip=169.254.0.0-169.254.255.255", "--denied-peer-ip=100.64.0.0-100.127.255.255");
        for (var port = ClusterRelayPorts.First; port <= ClusterRelayPorts.Last; port++)
        {
            var relayPort = port;
            turn.WithEndpoint($"relay-{relayPort}", e => (e.UriScheme, e.Port, e.TargetPort, e.Protocol, e.Transport, e.IsProxied) =
                ("udp", relayPort, relayPort, System.Net.Sockets.ProtocolType.Udp, "udp", false));
        }

        return turn;
    }
}
