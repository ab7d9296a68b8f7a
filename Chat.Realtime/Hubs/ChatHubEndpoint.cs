using System.Globalization;
using System.Threading.RateLimiting;
using Chat.Messaging.Errors;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Chat.Realtime.Hubs;

public static class ChatHubEndpoint
{
    private const string ConnectsPolicy = "connects-per-user";

    /// <summary>Connection attempts per user (<see cref="HubBudgetOptions.Connects"/>); negotiate and connect each count.</summary>
    public static IServiceCollection AddConnectRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(ConnectsPolicy, context =>
            {
                var budget = context.RequestServices.GetRequiredService<IOptions<HubBudgetOptions>>().Value.Connects;
                return RateLimitPartition.GetTokenBucketLimiter(context.User.FindFirst(ChatClaims.UserId)?.Value ?? "anonymous", _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = budget.Burst,
                    TokensPerPeriod = budget.PerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = WriteRefusalAsync;
        });

    public static HubEndpointConventionBuilder MapChatHub(this WebApplication app) =>
        app.MapHub<ChatHub>(ChatHub.Path, options =>
            {
                // Long polling and server-sent events put the access token in the URL of every request they make.
                options.Transports = HttpTransportType.WebSockets;

                // A connection whose access token expires is closed; its client reconnects with a fresh token.
                options.CloseOnAuthenticationExpiration = true;
            })
            .RequireRateLimiting(ConnectsPolicy);

    private static async ValueTask WriteRefusalAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var refusal = ChatErrors.RateLimited(retryAfter);
        var http = rejected.HttpContext;
        http.Response.StatusCode = refusal.Status;
        http.Response.Headers.RetryAfter = ChatErrors.RetryAfterSeconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        await http.Response.WriteAsJsonAsync(new { code = refusal.Code, detail = refusal.Message, status = refusal.Status }, cancellationToken);
    }
}
