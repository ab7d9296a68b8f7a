using Microsoft.Extensions.DependencyInjection;

namespace Chat.AppHost.Servers;

public static class RedisServerExtensions
{
    /// <summary>Redis as Aspire's container resource, or as the local <c>redis-server</c> when there is no container runtime.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddChatRedis(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, ServerMode mode)
    {
        if (mode == ServerMode.Containers)
        {
            var container = builder.AddRedis(name).WithDataVolume().WithPersistence();
            return builder.ExecutionContext.IsPublishMode ? container.WithPasswordAsConnectionString() : container;
        }

        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var redis = new LocalRedisResource(name, builder.AppHostDirectory, password);
        var port = LocalServerPaths.FreePort();

        return builder.AddResource(redis)
            .WithEndpoint(LocalRedisResource.EndpointName, e =>
            {
                e.UriScheme = "tcp";
                e.Port = port;
                e.TargetPort = port;
                e.IsProxied = false;
            })
            .WithArgs(LocalServerPaths.Script(builder, "redis.sh"), LocalServerPaths.DataDirectory(builder, name), port.ToString())
            .WithEnvironment("REDIS_PASSWORD", password)
            .WithConnectionStringHealthCheck((hc, key, connectionString) => hc.AddRedis(connectionString, name: key));
    }

    /// <summary>
    /// Published, the server's password travels as a connection string, the one kind of variable every route to a
    /// cluster keeps in a Secret (aspirate puts REDIS_PASSWORD, Aspire's name for it, in a ConfigMap). Its name has
    /// no dash, so that the image's shell keeps and expands it, and the command line has no quotes (the password is
    /// letters and digits), because aspirate's templates escape quotes as HTML. Those templates also write a
    /// StatefulSet's <c>envFrom:</c> only for a container with a plain variable, so Redis gets one (its time zone).
    /// </summary>
    private static IResourceBuilder<RedisResource> WithPasswordAsConnectionString(this IResourceBuilder<RedisResource> redis)
    {
        const string AspireVariable = "$REDIS_PASSWORD";
        var variable = $"ConnectionStrings__{redis.Resource.Name.Replace('-', '_')}_password";
        return redis
            .WithEnvironment("TZ", "UTC")
            .WithEnvironment(context =>
            {
                context.EnvironmentVariables.Remove(AspireVariable[1..]);
                context.EnvironmentVariables[variable] = redis.Resource.PasswordParameter
                    ?? throw new InvalidOperationException("A published Redis has a password parameter.");
            })
            .WithArgs(context =>
            {
                for (var i = 0; i < context.Args.Count; i++)
                {
                    if (context.Args[i] is string argument && argument.Contains(AspireVariable, StringComparison.Ordinal))
                    {
                        context.Args[i] = argument.Replace(AspireVariable, '$' + variable, StringComparison.Ordinal);
                    }
                }
            });
    }
}
