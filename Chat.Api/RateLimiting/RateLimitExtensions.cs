using System.Globalization;
using System.Threading.RateLimiting;
using Chat.Messaging.Errors;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Chat.Api.RateLimiting;

public static class RateLimitExtensions
{
    private const string ClientAddressPolicy = "per-client-address";
    private const string UserPolicy = "per-user";
    private const string KeyFetchPolicy = "key-fetches-per-user";

    public static IServiceCollection AddChatRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(ClientAddressPolicy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.ClientAddressPermits,
                    Window = options.ClientAddressWindow,
                });
            });
            limiter.AddPolicy(UserPolicy, context => PerUserBucket(context, o => (o.UserBurst, o.UserPermitsPerSecond)));
            limiter.AddPolicy(KeyFetchPolicy, context => PerUserBucket(context, o => (o.KeyFetchBurst, o.KeyFetchesPerSecond)));
            limiter.OnRejected = WriteProblemAsync;
        });
        return services;
    }

    public static TBuilder RequireClientAddressRateLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(ClientAddressPolicy);

    public static TBuilder RequireUserRateLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(UserPolicy);

    public static TBuilder RequireKeyFetchRateLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(KeyFetchPolicy);

    /// <summary>A token bucket per signed-in user, its burst and refill per second read from the options.</summary>
    private static RateLimitPartition<string> PerUserBucket(HttpContext context, Func<RateLimitOptions, (int Burst, int PerSecond)> budget)
    {
        var (burst, perSecond) = budget(context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value);
        return RateLimitPartition.GetTokenBucketLimiter(context.User.FindFirst(ChatClaims.UserId)?.Value ?? "anonymous", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        });
    }

    private static async ValueTask WriteProblemAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = ChatErrors.RetryAfterSeconds(retryAfter);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Rate limit reached; retry after {seconds} second(s).",
            },
        });
    }
}
