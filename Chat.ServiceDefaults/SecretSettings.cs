using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Secrets reach the services as connection strings (<c>ConnectionStrings__name</c>), whatever they are: a signing
/// key, a relay's shared secret, a service-account key. It is the one kind of setting that every route to a
/// cluster keeps in a Kubernetes Secret (the project's generator, and aspirate, which puts every other variable
/// in a ConfigMap). Each service names where its secrets belong in its own settings.
/// </summary>
public static class SecretSettings
{
    /// <summary>Sets <paramref name="setting"/> from the connection string <paramref name="secretName"/> when one is given.</summary>
    public static IHostApplicationBuilder UseSecret(this IHostApplicationBuilder builder, string secretName, string setting)
    {
        if (builder.Configuration.GetConnectionString(secretName) is { Length: > 0 } value)
        {
            builder.Configuration[setting] = value;
        }

        return builder;
    }
}
