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
            return builder.AddRedis(name).WithDataVolume().WithPersistence();
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
}
