namespace Chat.Web;

public static class WebServiceExtensions
{
    /// <summary>
    /// The forwarding of /api and /hubs to the API and the realtime nodes (found through service discovery), so the
    /// app, the API and the hub share this origin; in a cluster the ingress routes those paths itself.
    /// </summary>
    public static IHostApplicationBuilder AddWebServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();
        builder.Services.AddOptions<ClientAppOptions>()
            .BindConfiguration(ClientAppOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }
}
