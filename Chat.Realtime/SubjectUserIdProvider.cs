using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Realtime;

/// <summary>SignalR addresses users by the token's "sub" claim, the same user id the API and the database use.</summary>
public sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User.FindFirst(ChatClaims.UserId)?.Value;
}
