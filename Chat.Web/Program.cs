using Chat.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

// /api and /hubs go on to the API and the realtime nodes (found through service discovery): the app, the API and
// the hub share this origin. In a cluster the ingress routes those paths itself and only "/" reaches this host.
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver();
builder.Services.AddOptions<ClientAppOptions>()
    .BindConfiguration(ClientAppOptions.SectionName)
    .ValidateDataAnnotations()
    .ValidateOnStart();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapReverseProxy();
app.MapClientApp();
app.Run();
