using Chat.ServiceDefaults.Telemetry;

namespace Chat.Api;

/// <summary>Every error the API returns is an RFC 7807 problem, including requests the framework cannot bind.</summary>
public static class ProblemDetailsExtensions
{
    public static IServiceCollection AddChatProblemDetails(this IServiceCollection services)
    {
        // Binding failures (no body, malformed JSON, a missing query parameter) surface as exceptions in every
        // environment, so that the handler below can answer them with their message instead of a bare 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (context.Exception is BadHttpRequestException bad)
            {
                context.ProblemDetails.Title = "Bad request";
                context.ProblemDetails.Detail = bad.InnerException is System.Text.Json.JsonException json ? $"Malformed JSON: {json.Message}" : bad.Message;
                context.ProblemDetails.Extensions["code"] = InvalidArgument;
            }

            // The documented code, for the count of client mistakes; a validation problem's is invalid_argument.
            context.HttpContext.Items[ClientErrorMetrics.CodeItem] = context.ProblemDetails.Extensions.TryGetValue("code", out var code) && code is string documented
                ? documented
                : context.ProblemDetails is HttpValidationProblemDetails ? InvalidArgument : null;
        });
        return services;
    }

    /// <summary>
    /// A request the framework could not bind is the client's mistake: it is answered 400 and counted
    /// (<see cref="ClientErrorCounting"/>), but not logged as an unhandled exception; every other exception is.
    /// </summary>
    public static IApplicationBuilder UseChatProblemDetails(this IApplicationBuilder app) => app
        .UseClientErrorCounting()
        .UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
        })
        .UseStatusCodePages();

    private const string InvalidArgument = "invalid_argument";
}
