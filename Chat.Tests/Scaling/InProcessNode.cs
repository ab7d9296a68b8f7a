using System.Collections.Concurrent;
using Chat.Messaging;
using Chat.Messaging.Calls;
using Chat.Messaging.Fanout;
using Chat.Messaging.Presence;
using Chat.Messaging.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Scaling;

/// <summary>
/// A realtime node's messaging domain (Chat.Messaging's presence, user-event fan-out and calls, as the realtime
/// node registers them) in the test process, on a Redis and a PostgreSQL of the test's choosing, without SignalR:
/// what the node would write to its connections is collected in <see cref="Received"/>.
/// </summary>
public sealed class InProcessNode : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;

    private InProcessNode(IHost host)
    {
        _host = host;
        _receiving = Get<UserEventFanout>().RunAsync(Identity, e =>
        {
            Received.Enqueue(e);
            return Task.CompletedTask;
        }, _stop.Token);
    }

    public ConcurrentQueue<UserEvent> Received { get; } = new();

    public NodeIdentity Identity => Get<NodeIdentity>();

    public PresenceTracker Presence => Get<PresenceTracker>();

    public CallService Calls => Get<CallService>();

    public CallRegistry CallRegistry => Get<CallRegistry>();

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    /// <summary>The node's services, not started: its timers (heartbeat, call sweeps) stay off, so the test drives each step.</summary>
    public static InProcessNode Create(string redisConnectionString, string databaseConnectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{MessagingServiceExtensions.RedisConnectionName}"] = redisConnectionString,
            ["ConnectionStrings:chatdb"] = databaseConnectionString,
        });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.AddChatMessaging();
        builder.Services.AddRealtimeNodeMessaging();
        return new InProcessNode(builder.Build());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _receiving;
        _host.Dispose();
        _stop.Dispose();
    }
}
