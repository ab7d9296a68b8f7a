using Microsoft.Extensions.DependencyInjection;

namespace Chat.AppHost.Servers;

public static class PostgresServerExtensions
{
    /// <summary>
    /// PostgreSQL with one database, as Aspire's container resource or as the locally installed server binaries
    /// when there is no container runtime. Returns the database, which is what services reference.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddChatPostgres(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string databaseName, ServerMode mode)
    {
        if (mode == ServerMode.Containers)
        {
            return builder.AddPostgres(name).WithDataVolume().AddDatabase(databaseName);
        }

        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var server = new LocalPostgresResource(name, builder.AppHostDirectory, password);
        var port = LocalServerPaths.FreePort();

        var serverBuilder = builder.AddResource(server)
            .WithEndpoint(LocalPostgresResource.EndpointName, e =>
            {
                e.UriScheme = "tcp";
                e.Port = port;
                e.TargetPort = port;
                e.IsProxied = false;
            })
            .WithArgs(LocalServerPaths.Script(builder, "postgres.sh"), LocalServerPaths.DataDirectory(builder, name), port.ToString())
            .WithEnvironment("POSTGRES_PASSWORD", password)
            .WithConnectionStringHealthCheck((hc, key, connectionString) => hc.AddNpgSql(connectionString, name: key));

        var database = new LocalPostgresDatabaseResource(databaseName, databaseName, server);

        // Aspire hands a container's state down to its databases, but not an executable's: the database is
        // usable (and its dependents may start) once the server is healthy.
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, (e, _) =>
            e.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, snapshot => snapshot with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            }));

        return builder.AddResource(database)
            .WithParentRelationship(serverBuilder)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [],
            });
    }

    /// <summary>
    /// The connection string of the services' own role on the database: it reads and writes rows and owns nothing
    /// (<c>Chat.Worker migrate</c> creates it with <paramref name="password"/> and grants it what it needs).
    /// </summary>
    public static ReferenceExpression AppRoleConnectionString(
        this IResourceBuilder<IResourceWithConnectionString> database, string databaseName, IResourceBuilder<ParameterResource> password)
    {
        var server = (IResourceWithEndpoints)((IResourceWithParent)database.Resource).Parent;
        var endpoint = server.GetEndpoint(LocalPostgresResource.EndpointName);
        return ReferenceExpression.Create(
            $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username={AppRole};Password={password.Resource};Database={databaseName}");
    }

    /// <summary>The services' role; the name is the migrations' default too (Database:AppRole).</summary>
    public const string AppRole = "chat_app";
}
