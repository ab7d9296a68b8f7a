using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Chat.Data.Health;

/// <summary>
/// PostgreSQL answers on the services' own data source. Aspire's DbContext check ran on the probe's request: a probe
/// that gave up after a second (the AppHost's, while a service opened its first connections at start) cancelled it,
/// and the check reported the database Unhealthy, an error on the dashboard at every start. This one runs to its own
/// time limit whoever asked, so only a database that does not answer in that time is unhealthy.
/// </summary>
internal sealed class ChatDatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(10);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var limit = new CancellationTokenSource(AnswerWithin);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(limit.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, exception: e);
        }
    }
}
