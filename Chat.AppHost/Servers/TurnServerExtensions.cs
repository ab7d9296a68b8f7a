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
}
