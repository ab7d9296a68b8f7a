using System.Diagnostics;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Chat.ServiceDefaults.Authentication;

public static class AuthenticationExtensions
{
    /// <summary>
    /// JWT bearer validation of ES256 access tokens, with the keys the issuer publishes at
    /// <see cref="JwtOptions.MetadataAddress"/> (the issuer itself sets its key on <see cref="JwtBearerOptions"/>).
    /// Needs an <see cref="IRevokedDeviceCheck"/> registered.
    /// </summary>
    public static IHostApplicationBuilder AddChatAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JwtOptions>()
            .BindConfiguration(JwtOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>>((bearer, jwt) => Configure(bearer, jwt.Value));
        builder.Services.AddAuthorization();
        return builder;
    }

    private static void Configure(JwtBearerOptions bearer, JwtOptions jwt)
    {
        bearer.MapInboundClaims = false;

        // A WebSocket connection keeps its authentication result for as long as it lives: neither the raw token
        // nor the parsed token object behind the principal is needed after validation.
        bearer.SaveToken = false;
        if (!string.IsNullOrEmpty(jwt.MetadataAddress))
        {
            // Fetched once and cached; fetched again when a token names a key the cache lacks, so a new signing
            // key is picked up without a restart. Plain HTTP inside the cluster, where the API is reached by its
            // Service name; the key set is public and its integrity is what matters, not its secrecy.
            bearer.MetadataAddress = jwt.MetadataAddress;
            bearer.RequireHttpsMetadata = false;
        }

        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = jwt.Issuer,
            ValidAudience = jwt.Audience,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            NameClaimType = ChatClaims.Username,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        bearer.Events = new JwtBearerEvents
        {
            // Browsers cannot set headers on a WebSocket upgrade, so SignalR clients send ?access_token=.
            OnMessageReceived = context =>
            {
                var token = context.Request.Query["access_token"];
                if (!string.IsNullOrEmpty(token) && IsRealtimeRequest(context.HttpContext))
                {
                    context.Token = token;
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = async context =>
            {
                if (IsRealtimeRequest(context.HttpContext))
                {
                    // A realtime connection's request lasts as long as the connection, and the Redis
                    // instrumentation keeps a profiling session for the span a Redis call runs under until that span
                    // ends: the check runs outside the request's span (which is not recorded anyway), not for hours.
                    Activity.Current = null;
                }

                var revoked = context.HttpContext.RequestServices.GetRequiredService<IRevokedDeviceCheck>();
                if (await revoked.IsRevokedAsync(context.Principal!.GetDeviceId()))
                {
                    context.Fail("The device has been signed out.");
                    return;
                }

                context.Principal = ChatClaims.Slim(context.Principal!, context.Scheme.Name);
            },
        };
    }

    /// <summary>
    /// A request to a SignalR hub: it lasts as long as the realtime connection it carries, and its client sends the
    /// token as a query parameter.
    /// </summary>
    private static bool IsRealtimeRequest(HttpContext context) =>
        context.Request.Path.StartsWithSegments(OpenTelemetryExtensions.RealtimeConnectionsPath);
}
