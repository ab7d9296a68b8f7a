using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Chat.Data.Health;

/// <summary>
/// PostgreSQL answers on the services' own data source. Aspire's DbContext check ran on the probe's request token: a
/// probe that gave up while a service still opened its first connections at start (after one to three seconds, on
/// this kind of machine) cancelled it, and the check reported the database Unhealthy, an error on the dashboard at
/// every start. This one runs to its own time limit whoever asked, so only a database that does not answer in that
/// time is unhealthy.
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
