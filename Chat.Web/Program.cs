using Chat.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapReverseProxy();
app.MapClientApp();
app.Run();
