using Chat.Messaging;
using Chat.Messaging.Presence;
using Chat.Realtime.Connections;
using Chat.Realtime.Delivery;
using Chat.Realtime.Hubs;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Realtime;

public static class RealtimeServiceExtensions
{
    /// <summary>How many calls one connection may have in flight; documented in docs/protocol.md.</summary>
    public const int MaxCallsInFlight = 16;

    public static IHostApplicationBuilder AddRealtimeServices(this IHostApplicationBuilder builder)
    {
        builder.AddChatMessaging();
        builder.AddChatAuthentication();
        builder.Services.AddOptions<JwtOptions>()
            .Validate(jwt => !string.IsNullOrEmpty(jwt.MetadataAddress), "Jwt:MetadataAddress must name the API's discovery document: a realtime node holds no signing key.");

        var services = builder.Services;
        services.AddSignalR(options =>
            {
                options.MaximumReceiveMessageSize = 96 * 1024;

                // A send is answered after its commit; with one call at a time per connection, a client that
                // sends several messages would wait a commit for each. Calls start in the order they arrive and
                // queue for group commit in that order, so one connection's messages keep their order in seq.
                options.MaximumParallelInvocationsPerClient = MaxCallsInFlight;
            })
            // No SignalR backplane (RedisHubLifetimeManager): events travel between nodes on the messaging domain's
            // Redis channels (MessageFanout, UserEventFanout) and each node writes only to its own connections. The
            // backplane would add nothing but a Redis subscription per connection and per user: a round trip on
            // every connect and memory held by every idle connection.
            .AddJsonProtocol()
            .AddMessagePackProtocol(o => o.SerializerOptions = MessagePackTimes.WithTimestamps(o.SerializerOptions))
            .AddClientErrors()
            .AddHubOptions<ChatHub>(options => options.AddFilter<BudgetFilter>());
        services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        services.AddSingleton<LocalHubLifetimeManager<ChatHub>>();
        services.AddSingleton<HubLifetimeManager<ChatHub>>(provider => provider.GetRequiredService<LocalHubLifetimeManager<ChatHub>>());

        services.AddRealtimeNodeMessaging();
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HubBudgetOptions>().BindConfiguration(HubBudgetOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddConnectRateLimit();
        services.AddSingleton<LocalConnections>();
        services.AddSingleton<INodeConnections>(provider => provider.GetRequiredService<LocalConnections>());
        services.AddSingleton<RealtimeMetrics>();
        services.AddSingleton<HubBudgets>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<OutboxBudget>();
        services.AddHostedService<DeliveryLoop>();
        services.AddHostedService<UserEventDelivery>();
        services.AddHostedService<SignedOutDevices>();
        services.AddHealthChecks()
            .AddCheck<SubscriptionHealthCheck>(SubscriptionHealthCheck.Name)
            .AddCheck<SigningKeysHealthCheck>(SigningKeysHealthCheck.Name);
        return builder;
    }
}
