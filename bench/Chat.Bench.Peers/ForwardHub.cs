using Microsoft.AspNetCore.SignalR;

namespace Chat.Bench.Peers;

/// <summary>The ceiling of our transport: forwards to users and groups through the backplane; stores and acknowledges nothing.</summary>
public sealed class ForwardHub : Hub
{
    public const string Path = "/hubs/forward";

    public Task SendToUser(string userId, string payload) => Clients.User(userId).SendAsync("message", payload);

    public Task SendToGroup(string group, string payload) => Clients.Group(group).SendAsync("message", payload);

    public Task Join(string group) => Groups.AddToGroupAsync(Context.ConnectionId, group);
}

/// <summary>The user is who the query string says: the peer has no accounts.</summary>
public sealed class QueryUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.GetHttpContext()?.Request.Query["user"];
}
