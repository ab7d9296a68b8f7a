using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

[assembly: AssemblyFixture(typeof(Chat.Tests.Infrastructure.ChatApp))]

namespace Chat.Tests.Infrastructure;

/// <summary>
/// The real AppHost, started once for the whole test run (an assembly fixture) and shared by every distributed
/// test; tests keep apart by creating their own users and data.
/// </summary>
public sealed class ChatApp : IAsyncLifetime
{
    public static readonly string[] ServiceNames = ["api", "realtime", "worker"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    /// <summary>Each realtime replica's own address, so a test can put a client on a chosen node.</summary>
    public IReadOnlyList<RealtimeNode> RealtimeNodes { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Chat_AppHost>(
            [$"--Chat:DataDirectory={RepositoryPaths.TestDataDirectory}"], cts.Token);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddSimpleConsole(o => o.SingleLine = true));

        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        foreach (var name in ServiceNames)
        {
            await WaitUntilHealthyAsync(name, cts.Token);
        }

        RealtimeNodes = await RealtimeNode.DiscoverAsync(_app, expected: 2, cts.Token);
    }

    public HttpClient CreateApiClient() => App.CreateHttpClient("api", "http");

    public async Task<string> ConnectionStringAsync(string resourceName) =>
        await App.GetConnectionStringAsync(resourceName) ?? throw new InvalidOperationException($"{resourceName} has no connection string.");

    /// <summary>Waits for a resource to be healthy, failing at once (not after the timeout) when it cannot start.</summary>
    private async Task WaitUntilHealthyAsync(string resourceName, CancellationToken cancellationToken)
    {
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        var resourceEvent = await notifications.WaitForResourceAsync(resourceName, e =>
            e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
            || KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text)
            || e.Snapshot.State?.Text == KnownResourceStates.FailedToStart, cancellationToken);
        if (resourceEvent.Snapshot.HealthStatus != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
        {
            throw new InvalidOperationException($"{resourceName} ended as {resourceEvent.Snapshot.State?.Text} before it became healthy.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
