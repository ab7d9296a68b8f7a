using Chat.Data;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace Chat.Realtime;

public static class RealtimeServiceExtensions
{
    public static IHostApplicationBuilder AddRealtimeServices(this IHostApplicationBuilder builder)
    {
        builder.AddChatDatabase();
        builder.AddRedisClient("redis");
        builder.AddChatAuthentication();

        builder.Services.AddSignalR()
            .AddMessagePackProtocol()
            .AddStackExchangeRedis();
        // The backplane shares Aspire's instrumented connection instead of opening its own.
        builder.Services.AddOptions<RedisOptions>().Configure<IServiceProvider>((options, services) =>
        {
            options.Configuration.ChannelPrefix = RedisChannel.Literal("chat:signalr");
            options.ConnectionFactory = _ => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>());
        });
        return builder;
    }
}
