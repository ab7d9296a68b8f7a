using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Realtime.Hubs;

/// <summary>The realtime endpoint every client connects to; the protocol is documented in docs/protocol.md.</summary>
[Authorize]
public sealed class ChatHub : Hub
{
    public const string Path = "/hubs/chat";
}
