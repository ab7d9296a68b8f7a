using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Chat.Tests.Telemetry;
using Npgsql;

[assembly: AssemblyFixture(typeof(Chat.Tests.Infrastructure.ChatApp))]

namespace Chat.Tests.Infrastructure;

/// <summary>
/// The real AppHost, started once for the whole test run (an assembly fixture, started by the first distributed
/// test, so unit tests run alone without it) and shared by every distributed test; tests keep apart by creating
/// their own users and data.
/// </summary>
public sealed class ChatApp : IAsyncLifetime
{
    private readonly Lazy<Task> _started;

    public ChatApp() => _started = new(StartAsync);

    public static readonly string[] ServiceNames = ["api", "realtime", "worker", "web"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    /// <summary>How long calls ring in the tests' system.</summary>
    public static readonly TimeSpan RingTimeout = TimeSpan.FromSeconds(8);

    /// <summary>The largest attachment, and each user's storage, in the tests' system.</summary>
    public const long AttachmentMaxSize = 2 * 1024 * 1024;

    public const long AttachmentQuota = 5 * 1024 * 1024;

    /// <summary>How long an upload no message carries lasts in the tests' system.</summary>
    public static readonly TimeSpan AttachmentUnusedFor = TimeSpan.FromSeconds(20);

    private DistributedApplication? _app;
    private FcmStub? _fcm;
    private OtlpReceiver? _otlp;

    /// <summary>The local FCM and OAuth stand-in the worker sends to.</summary>
    public FcmStub Fcm => _fcm ?? throw new InvalidOperationException("The AppHost has not started.");

    /// <summary>What the services have exported over OTLP: traces, logs and counters.</summary>
    public OtlpReceiver Telemetry => _otlp ?? throw new InvalidOperationException("The AppHost has not started.");

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    /// <summary>Each realtime replica's own address, so a test can put a client on a chosen node.</summary>
    public IReadOnlyList<RealtimeNode> RealtimeNodes { get; private set; } = [];

    /// <summary>When every service first answered healthy: what was logged before it is the system's start.</summary>
    public DateTimeOffset HealthyAt { get; private set; }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public Task EnsureStartedAsync() => _started.Value;

    private async Task StartAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        _fcm = await FcmStub.StartAsync();
        _otlp = await OtlpReceiver.StartAsync();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Chat_AppHost>(
        [
            $"--Chat:DataDirectory={RepositoryPaths.TestDataDirectory}",
            $"--Parameters:fcm-service-account={_fcm.ServiceAccountJson()}",
            $"--Parameters:fcm-base-address={_fcm.Address}",
            // The tests play an ingress: each ApiClient names its own client address in X-Forwarded-For.
            "--Parameters:trusted-proxy-network=127.0.0.0/8,::1/128",
        ], cts.Token);
        // The tests run without the dashboard: the services export their traces, logs and metrics to the tests'
        // own receiver instead, with the real exporter, soon after each is recorded.
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(context =>
            {
                context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_HEADERS");
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = Telemetry.Address.ToString().TrimEnd('/');
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                context.EnvironmentVariables["OTEL_BSP_SCHEDULE_DELAY"] = "200";
                context.EnvironmentVariables["OTEL_BLRP_SCHEDULE_DELAY"] = "200";
                context.EnvironmentVariables["OTEL_METRIC_EXPORT_INTERVAL"] = "500";
            });
        }

        // Calls ring for 45 s; the tests of a missed call should not wait that long.
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "realtime"))
            .WithEnvironment("Calls__RingTimeout", RingTimeout.ToString("c"));

        // Attachments: limits small enough to reach in a test, grants and clean-up that expire within one.
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "api"))
            .WithEnvironment("Attachments__MaxSize", AttachmentMaxSize.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Attachments__QuotaPerUser", AttachmentQuota.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Attachments__UploadGrantLifetime", "00:00:10");
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "worker"))
            .WithEnvironment("Attachments__UnusedFor", AttachmentUnusedFor.ToString("c"))
            .WithEnvironment("Attachments__CleanupInterval", "00:00:02")
            .WithEnvironment("Attachments__UploadGrantLifetime", "00:00:12");

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

        HealthyAt = DateTimeOffset.UtcNow;
        RealtimeNodes = await RealtimeNode.DiscoverAsync(_app, expected: 2, cts.Token);
    }

    /// <summary>
    /// Kills a realtime replica's process tree with SIGKILL: the node says no goodbye, as when a machine dies.
    /// </summary>
    public void KillRealtimeNode(RealtimeNode node)
    {
        System.Diagnostics.Process.GetProcessById(ProcessIdOf(node.ResourceId)).Kill(entireProcessTree: true);
    }

    /// <summary>Starts a killed replica again and waits until both replicas are healthy; their addresses may change.</summary>
    public async Task RestartRealtimeNodeAsync(RealtimeNode node)
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        var commands = App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(node.ResourceId, KnownResourceCommands.StartCommand, cts.Token);
        Assert.True(result.Success, result.Message);
        var nodes = await RealtimeNode.DiscoverAsync(App, expected: 2, cts.Token);

        // The restarted replica's snapshot can say healthy before its new process listens: ask it directly.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        foreach (var address in nodes.Select(n => new Uri(n.Address, "/health")))
        {
            while (!await AnswersAsync(http, address))
            {
                await Task.Delay(200, cts.Token);
            }
        }

        RealtimeNodes = nodes;
    }

    private static async Task<bool> AnswersAsync(HttpClient http, Uri address)
    {
        try
        {
            return (await http.GetAsync(address)).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    public HttpClient CreateApiClient() => App.CreateHttpClient("api", "http");

    public async Task<string> ConnectionStringAsync(string resourceName) =>
        await App.GetConnectionStringAsync(resourceName) ?? throw new InvalidOperationException($"{resourceName} has no connection string.");

    /// <summary>
    /// Waits for a resource to be healthy, failing at once (not at the limit) when its run ends first, and naming its
    /// state when the limit comes; either way with its last log lines. With <paramref name="startedAfter"/>, only a
    /// run started since then counts: right after a restart the snapshot can still be the stopped run's ("Exited").
    /// </summary>
    private async Task WaitUntilHealthyAsync(string resourceName, CancellationToken limit, DateTime? startedAfter = null)
    {
        ResourceEvent? seen = null;
        ResourceEvent run;
        try
        {
            run = await App.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceAsync(resourceName,
                e => HealthyOrEnded(seen = e), limit);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && seen is not null && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{resourceName} was not healthy within its limit; it is {seen.Snapshot.State?.Text}:\n"
                + await RecentLogsAsync(seen.ResourceId));
        }

        if (run.Snapshot.HealthStatus != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
        {
            throw new InvalidOperationException($"{resourceName} ended as {run.Snapshot.State?.Text} before it became healthy:\n"
                + await RecentLogsAsync(run.ResourceId));
        }

        bool HealthyOrEnded(ResourceEvent e) =>
            (startedAfter is null || e.Snapshot.StartTimeStamp?.ToUniversalTime() >= startedAfter)
            && (e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                || KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text)
                || e.Snapshot.State?.Text == KnownResourceStates.FailedToStart);
    }

    private async Task<string> RecentLogsAsync(string resourceId) => string.Join('\n', (await LogLinesAsync(resourceId)).TakeLast(60));

    /// <summary>Every line the services (api, each realtime replica, worker) have written to their console logs so far.</summary>
    public async Task<List<string>> ServiceLogsAsync()
    {
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        var ids = new List<string>(RealtimeNodes.Select(n => n.ResourceId));
        foreach (var name in new[] { "api", "worker" })
        {
            ids.Add((await notifications.WaitForResourceAsync(name, e => e.Snapshot.State?.Text == KnownResourceStates.Running, TestContext.Current.CancellationToken)).ResourceId);
        }

        var lines = new List<string>();
        foreach (var id in ids)
        {
            lines.AddRange(await LogLinesAsync(id));
        }

        return lines;
    }

    /// <summary>The resource's log lines Aspire holds (it replays them to a new watcher), read for a few seconds.</summary>
    private async Task<List<string>> LogLinesAsync(string resourceId)
    {
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resourceId).WithCancellation(timeout.Token))
            {
                lines.AddRange(batch.Select(l => l.Content));
            }
        }
        catch (OperationCanceledException)
        {
        }

        return lines;
    }

    /// <summary>
    /// Stops a single-instance resource such as the worker and waits until its process has ended. Aspire gives up
    /// waiting for the stop after about 15 s and says it failed, while the process is still shutting down
    /// gracefully (slowly, on a loaded machine); the state it ends in is what counts.
    /// </summary>
    public async Task StopResourceAsync(string resourceName)
    {
        await App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(Resource(resourceName), KnownResourceCommands.StopCommand, TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await App.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceAsync(resourceName,
            e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
    }

    /// <summary>Starts a stopped single-instance resource again.</summary>
    public async Task StartResourceAsync(string resourceName)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(StartTimeout);
        var result = await App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(Resource(resourceName), KnownResourceCommands.StartCommand, timeout.Token);
        Assert.True(result.Success, $"{resourceName}: {result.Message}");
    }

    /// <summary>Restarts a single-instance resource (stop, then start) and waits until it is healthy again.</summary>
    public async Task RestartResourceAsync(string resourceName)
    {
        // A stop that never completes (a server that does not exit) fails the test here, not at CI's limit.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(StartTimeout);
        var restarted = DateTime.UtcNow;
        var result = await App.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(Resource(resourceName), KnownResourceCommands.RestartCommand, timeout.Token);
        Assert.True(result.Success, $"{resourceName}: {result.Message}");

        await WaitUntilHealthyAsync(resourceName, timeout.Token, startedAfter: restarted);

        // The test process's own idle pooled connections point at the stopped server and hold its farewell error
        // unread; Npgsql hands them out as they are, and the next test to open one would fail on that error.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>The process id of a resource's running executable (by resource id, for one replica of several).</summary>
    public int ProcessIdOf(string resourceId)
    {
        var notifications = App.Services.GetRequiredService<ResourceNotificationService>();
        Assert.True(notifications.TryGetCurrentState(resourceId, out var current), $"no state for {resourceId}");
        return Convert.ToInt32(current.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value);
    }

    /// <summary>The process id of a single-instance resource's running executable.</summary>
    public async Task<int> ProcessIdOfResourceAsync(string resourceName)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(StartTimeout);
        var running = await App.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceAsync(resourceName,
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.Properties.Any(p => p.Name == "executable.pid"),
            timeout.Token);
        return Convert.ToInt32(running.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value);
    }

    private IResource Resource(string name) =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == name);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_fcm is not null)
        {
            await _fcm.DisposeAsync();
        }

        if (_otlp is not null)
        {
            await _otlp.DisposeAsync();
        }
    }
}
