using Microsoft.Extensions.Options;

namespace Chat.Api.Realtime;

public static class RealtimeEndpointApi
{
    public static IEndpointRouteBuilder MapRealtimeEndpointApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/realtime").WithTags("Realtime")
            .MapGet("/endpoint", GetEndpoint)
            .WithSummary("The realtime hub address this client should connect to, picked by the edge's region hint.")
            .AllowAnonymous();
        return routes;
    }

    private static RealtimeEndpoint GetEndpoint(HttpContext context, IOptionsMonitor<RealtimeRegionOptions> options)
    {
        var regions = options.CurrentValue;
        var region = regions.Pick(context.Request.Headers[regions.RegionHeader].ToString());
        return new RealtimeEndpoint(region.Name, region.Url);
    }
}

/// <param name="Region">The region picked for the client.</param>
/// <param name="Url">The hub address to connect to (append <c>?access_token=</c> as SignalR clients do).</param>
public sealed record RealtimeEndpoint(string Region, string Url);
