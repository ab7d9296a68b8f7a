using Chat.Api.Auth;
using Chat.Api.Conversations;
using Chat.Api.Devices;
using Chat.Api.RateLimiting;
using Chat.Api.Realtime;
using Chat.Data.Accounts;
using Chat.Messaging;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;

namespace Chat.Api;

public static class ApiServiceExtensions
{
    public static IHostApplicationBuilder AddApiServices(this IHostApplicationBuilder builder)
    {
        builder.AddChatMessaging();
        builder.AddChatAuthentication();

        var services = builder.Services;
        services.AddChatProblemDetails();
        services.AddValidation();
        services.AddOpenApi(options => options.AddDocumentTransformer<BearerSecuritySchemeTransformer>());
        services.AddChatRateLimits();
        services.AddOptions<ConversationOptions>().BindConfiguration(ConversationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // Behind an ingress the client's address arrives in X-Forwarded-For; trusted only from the configured
        // proxies (loopback, and the networks in ForwardedHeaders:KnownNetworks, such as the cluster's pod network), so a client cannot pick its own rate-limit partition.
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var network in configuration.GetSection("ForwardedHeaders:KnownNetworks").Get<string[]>() ?? [])
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        services.AddOptions<RealtimeRegionOptions>().BindConfiguration(RealtimeRegionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddSingleton<AccessTokenIssuer>();
        services.AddScoped<RefreshTokenStore>();
        services.AddScoped<DeviceSessions>();
        services.AddScoped<ConversationQueries>();
        return builder;
    }
}
