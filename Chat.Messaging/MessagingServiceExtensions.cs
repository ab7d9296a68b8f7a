using Chat.Data;
using Chat.Messaging.Calls;
using Chat.Messaging.Conversations;
using Chat.Messaging.DeviceMessages;
using Chat.Messaging.Devices;
using Chat.Messaging.Fanout;
using Chat.Messaging.Messages;
using Chat.Messaging.Presence;
using Chat.Messaging.Redis;
using Chat.Messaging.Receipts;
using Chat.ServiceDefaults.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chat.Messaging;

public static class MessagingServiceExtensions
{
    /// <summary>The AppHost's name for Redis; its connection string arrives as <c>ConnectionStrings:redis</c>.</summary>
    public const string RedisConnectionName = "redis";

    /// <summary>
    /// The messaging domain for a service that sends and reads messages (the API and the realtime nodes), with the
    /// database and Redis it needs.
    /// </summary>
    public static IHostApplicationBuilder AddChatMessaging(this IHostApplicationBuilder builder)
    {
        builder.AddChatDatabase();
        builder.AddRedisClient(RedisConnectionName);

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<GroupCommitOptions>().BindConfiguration(GroupCommitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MessageStore>();
        services.AddSingleton<MessageSender>();
        services.AddScoped<MessageHistory>();
        services.AddSingleton<RecipientNodes>();
        services.AddSingleton<MessageFanout>();
        services.AddSingleton<UserEventFanout>();
        services.AddScoped<ConversationContacts>();
        services.AddSingleton<PresenceAudience>();
        services.AddScoped<ReceiptTracker>();
        services.AddSingleton<UnreadCounts>();
        services.AddScoped<TypingNotifier>();
        services.AddSingleton<PresenceReader>();
        services.AddSingleton<PresenceIntroductions>();
        services.AddSingleton<SubscriptionProbes>();
        services.AddScoped<DeviceListNotifier>();
        services.AddSingleton<DeviceMessageStore>();
        services.AddSingleton<DeviceMessenger>();
        services.AddSingleton<RevokedDevices>();
        services.AddSingleton<IRevokedDeviceCheck>(provider => provider.GetRequiredService<RevokedDevices>());
        return builder;
    }

    /// <summary>
    /// What a realtime node adds: the receiving half of the fan-out, its part of the presence registry (its
    /// connections, its heartbeat, and the sweep of nodes that died), and calls, whose deadlines every node sweeps.
    /// </summary>
    public static IServiceCollection AddRealtimeNodeMessaging(this IServiceCollection services)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CommittedEvents>();
        services.AddSingleton<MessageSubscription>();
        services.AddSingleton<NodeIdentity>();
        services.AddSingleton<PresenceTracker>();
        services.AddHostedService<NodeHeartbeat>();
        services.AddCallState();
        services.AddSingleton<CallRecorder>();
        services.AddSingleton<CallMembers>();
        services.AddSingleton<LocalCallDevices>();
        services.AddSingleton<CallService>();
        services.AddHostedService<CallSweeper>();
        return services;
    }

    /// <summary>Calls' shared state in Redis, for the realtime nodes that change it and the worker that reads it.</summary>
    public static IServiceCollection AddCallState(this IServiceCollection services)
    {
        services.AddOptions<CallOptions>().BindConfiguration(CallOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CallRegistry>();
        return services;
    }
}
