using Chat.Bench.Peers;
using Microsoft.AspNetCore.SignalR;

// Configuration: ConnectionStrings__redis (the backplane), ASPNETCORE_URLS.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton<IUserIdProvider, QueryUserIdProvider>();
builder.Services.AddSignalR()
    .AddMessagePackProtocol()
    .AddStackExchangeRedis(builder.Configuration.GetConnectionString("redis")!, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("bench-peer"));

var app = builder.Build();
app.UseWebSockets();
app.MapHub<ForwardHub>(ForwardHub.Path);
app.Map(WebSocketEcho.Path, WebSocketEcho.HandleAsync);
app.MapGet("/health", () => "ok");
app.Run();
