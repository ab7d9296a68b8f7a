using Microsoft.Extensions.DependencyInjection;

namespace Chat.AppHost.Servers;

internal static class ConnectionStringHealthCheckExtensions
{
    /// <summary>
    /// Registers a dashboard health check that connects with the resource's own connection string, which is only
    /// known once Aspire has allocated endpoints and parameters (as Aspire's Redis and PostgreSQL resources do).
    /// </summary>
    public static IResourceBuilder<T> WithConnectionStringHealthCheck<T>(
        this IResourceBuilder<T> builder,
        Action<IHealthChecksBuilder, string, Func<IServiceProvider, string>> addCheck)
        where T : IResourceWithConnectionString
    {
        string? connectionString = null;
        builder.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(builder.Resource, async (_, ct) =>
            connectionString = await builder.Resource.ConnectionStringExpression.GetValueAsync(ct));

        var key = $"{builder.Resource.Name}_check";
        addCheck(builder.ApplicationBuilder.Services.AddHealthChecks(), key,
            _ => connectionString ?? throw new InvalidOperationException($"{builder.Resource.Name} has no connection string yet."));
        return builder.WithHealthCheck(key);
    }
}
