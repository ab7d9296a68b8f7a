using Chat.Api.RateLimiting;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.Api.Calls;

public static class CallsApi
{
    public static IEndpointRouteBuilder MapCallsApi(this IEndpointRouteBuilder routes)
    {
        var calls = routes.MapGroup("/api/calls").WithTags("Calls").RequireAuthorization().RequireUserRateLimit();
        calls.MapGet("/turn", Results<Ok<TurnCredentials>, ProblemHttpResult> (HttpContext context, IOptions<TurnOptions> options, TimeProvider time) =>
                options.Value.Enabled
                    ? TypedResults.Ok(TurnCredentials.For(context.User.GetUserId(), options.Value, time.GetUtcNow()))
                    : TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No TURN relay is configured.",
                        detail: "This deployment runs no TURN relay: calls connect directly where the networks allow it."))
            .WithSummary("Time-limited credentials for the TURN relays (coturn's REST-API form), and their addresses.");
        return routes;
    }
}
