using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.ServiceDefaults.Telemetry;

/// <summary>
/// Counts every answer in the 4xx range in <see cref="ClientErrorMetrics"/>, by the documented code a problem
/// carried (<see cref="ClientErrorMetrics.CodeItem"/>) or else by the status's name.
/// </summary>
public static class ClientErrorCounting
{
    public static IApplicationBuilder UseClientErrorCounting(this IApplicationBuilder app)
    {
        var metrics = app.ApplicationServices.GetRequiredService<ClientErrorMetrics>();
        return app.Use(async (context, next) =>
        {
            await next(context);
            if (context.Response.StatusCode is >= 400 and < 500)
            {
                var code = context.Items[ClientErrorMetrics.CodeItem] as string ?? NameOf(context.Response.StatusCode);
                metrics.Refused(ClientErrorMetrics.Http, code);
            }
        });
    }

    private static string NameOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad_request",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "content_too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status429TooManyRequests => "rate_limited",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
