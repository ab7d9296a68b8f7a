using Chat.Api.Attachments;
using Chat.Api.Auth;
using Chat.Api.Conversations;
using Chat.Api.Devices;
using Chat.Api.Keys;
using Chat.Api.Calls;
using Chat.Api.RateLimiting;
using Chat.Api.Realtime;
using Chat.Data.Accounts;
using Chat.Data.Attachments;
using Chat.Messaging;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Chat.Api;

public static class ApiServiceExtensions
{
    public static IHostApplicationBuilder AddApiServices(this IHostApplicationBuilder builder)
    {
        builder.AddChatMessaging();
        builder.AddChatAuthentication();
        builder.UseSecret(AccessTokenSigningOptions.SecretName, $"{AccessTokenSigningOptions.SectionName}:{nameof(AccessTokenSigningOptions.SigningKey)}");
        builder.UseSecret(TurnOptions.SecretName, $"{TurnOptions.SectionName}:{nameof(TurnOptions.Secret)}");

        var services = builder.Services;
        services.AddChatProblemDetails();
        services.AddValidation();
        services.AddOpenApi(options => options.AddDocumentTransformer<BearerSecuritySchemeTransformer>());
        services.AddChatRateLimits();
        services.AddOptions<ConversationOptions>().BindConfiguration(ConversationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // Behind an ingress the client's address arrives in X-Forwarded-For. It is trusted only from the networks
        // in ForwardedHeaders:KnownNetworks (comma-separated), not even from loopback by default: otherwise a client
        // picks its own rate-limit partition. Only the last address is read, the one the trusted proxy appended.
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            var networks = configuration["ForwardedHeaders:KnownNetworks"] ?? "";
            foreach (var network in networks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        builder.AddAttachmentBlobs();
        services.AddOptions<AttachmentOptions>().BindConfiguration(AttachmentOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AttachmentStorage>();
        services.AddScoped<Attachments.Attachments>();
        services.AddHostedService<AttachmentStoragePreparation>();
        services.AddOptions<TurnOptions>().BindConfiguration(TurnOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RealtimeRegionOptions>().BindConfiguration(RealtimeRegionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddOptions<PasswordHasherOptions>().Configure<IOptions<AuthOptions>>((hasher, auth) => hasher.IterationCount = auth.Value.PasswordHashIterations);
        services.AddSingleton<LoginThrottle>();
        services.AddOptions<AccessTokenSigningOptions>().BindConfiguration(AccessTokenSigningOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AccessTokenSigningKey>();
        services.AddSingleton<AccessTokenIssuer>();

        // The issuer verifies with its own public key; the realtime nodes read it from the key set.
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<AccessTokenSigningKey>((bearer, key) => bearer.TokenValidationParameters.IssuerSigningKey = key.PublicKey);
        services.AddScoped<RefreshTokenStore>();
        services.AddScoped<DeviceSessions>();
        services.AddScoped<ConversationQueries>();
        services.AddSingleton<InvitationBudget>();
        services.AddScoped<CreationLimits>();
        services.AddScoped<GroupInvitations>();
        services.AddScoped<MessageRequests>();
        services.AddScoped<KeyDirectory>();
        return builder;
    }
}
