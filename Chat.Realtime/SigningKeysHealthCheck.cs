using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Chat.Realtime;

/// <summary>
/// Ready only once the node has the API's public signing keys: without them it would refuse every connection.
/// The keys are fetched from the API (Jwt:MetadataAddress) and cached; a failed fetch is retried with back-off.
/// </summary>
public sealed class SigningKeysHealthCheck(IOptionsMonitor<JwtBearerOptions> bearerOptions) : IHealthCheck
{
    public const string Name = "signing-keys";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var manager = bearerOptions.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager;
        if (manager is null)
        {
            return HealthCheckResult.Unhealthy("No key source is configured (Jwt:MetadataAddress).");
        }

        try
        {
            var configuration = await manager.GetConfigurationAsync(cancellationToken);
            return configuration.SigningKeys.Count > 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The API's key set holds no signing key.");
        }
        catch (InvalidOperationException e)
        {
            return HealthCheckResult.Unhealthy("The API's signing keys could not be fetched yet.", e);
        }
    }
}
