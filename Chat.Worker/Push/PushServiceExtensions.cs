using Chat.Messaging;
using Chat.Messaging.Presence;
using Chat.Messaging.Receipts;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Chat.Worker.Push;

public static class PushServiceExtensions
{
    public static IServiceCollection AddPush(this IServiceCollection services)
    {
        services.AddOptions<PushOptions>().BindConfiguration(PushOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<PushMetrics>();
        services.AddSingleton<PresenceReader>();
        services.AddCallState();
        services.AddSingleton<UnreadCounts>();
        services.AddSingleton<FcmCredentials>();
        services.AddScoped<PushTargets>();
        services.AddSingleton<PushOutboxListener>();
        services.AddHostedService(provider => provider.GetRequiredService<PushOutboxListener>());
        services.AddHostedService<PushDispatcher>();
        services.AddHostedService<PushOutboxCleanup>();
        services.AddHostedService<PushOutboxBacklog>();

        // FCM's documented handling: retry 429 and 5xx with exponential backoff and jitter, honouring Retry-After,
        // up to a limit. It replaces the service defaults' standard handler for this client only; removing a
        // default handler is still marked experimental in Microsoft.Extensions.Http.Resilience.
#pragma warning disable EXTEXP0001
        services.AddHttpClient<FcmClient>((provider, http) =>
                http.BaseAddress = new Uri(provider.GetRequiredService<IOptions<PushOptions>>().Value.FcmBaseAddress.TrimEnd('/') + "/"))
            .RemoveAllResilienceHandlers()
#pragma warning restore EXTEXP0001
            .AddResilienceHandler("fcm", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<PushOptions>>().Value;
                var metrics = context.ServiceProvider.GetRequiredService<PushMetrics>();
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxAttempts - 1,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    MaxDelay = TimeSpan.FromSeconds(30),
                    ShouldRetryAfterHeader = true,
                    OnRetry = _ =>
                    {
                        metrics.Retried();
                        return default;
                    },
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(10));
            });
        return services;
    }
}
