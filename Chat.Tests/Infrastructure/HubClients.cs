using Chat.Realtime.Hubs;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Infrastructure;

public static class HubClients
{
    /// <summary>A SignalR connection to one realtime node's hub, over WebSockets only, as production clients connect.</summary>
    public static HubConnection Create(RealtimeNode node, string accessToken, bool messagePack = false)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(node.Address, "/hubs/chat"), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
        });
        if (messagePack)
        {
            // As docs/protocol.md tells .NET clients that read times into DateTimeOffset.
            builder.AddMessagePackProtocol(o => o.SerializerOptions = MessagePackTimes.WithTimestamps(o.SerializerOptions));
        }

        return builder.Build();
    }
}
