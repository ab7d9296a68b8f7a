
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
            }
        });
        return services;
    }

    public static IApplicationBuilder UseChatProblemDetails(this IApplicationBuilder app) => app
        .UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        })
        .UseStatusCodePages();
}
