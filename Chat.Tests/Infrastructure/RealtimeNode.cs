using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// One healthy replica of the <c>realtime</c> resource. Aspire's proxy in front of the replicas decides per connection
/// where a client lands, so tests that need a client on a given node use the replica's own address instead.
/// </summary>
public sealed record RealtimeNode(string ResourceId, Uri Address)
{
    public static async Task<IReadOnlyList<RealtimeNode>> DiscoverAsync(DistributedApplication app, int expected, CancellationToken cancellationToken)
    {
        var nodes = new Dictionary<string, RealtimeNode>();
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        await foreach (var e in notifications.WatchAsync(cancellationToken))
        {
            if (e.Resource.Name != "realtime")
            {
                continue;
            }

            if (e.Snapshot.State?.Text != KnownResourceStates.Running || e.Snapshot.HealthStatus != HealthStatus.Healthy)
            {
                nodes.Remove(e.ResourceId);
                continue;
            }

            var urls = e.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value;
            if (urls is not null && Uri.TryCreate(urls.Split(';')[0], UriKind.Absolute, out var address))
            {
                nodes[e.ResourceId] = new RealtimeNode(e.ResourceId, address);
            }

            if (nodes.Count == expected)
            {
                return [.. nodes.Values.OrderBy(n => n.ResourceId)];
            }
        }

        throw new OperationCanceledException("The realtime replicas were not found.");
    }
}
