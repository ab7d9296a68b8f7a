using Chat.Api;
using Chat.Api.Attachments;
using Chat.Api.Auth;
using Chat.Api.Calls;
using Chat.Api.Contacts;
using Chat.Api.Conversations;
using Chat.Api.Messages;
using Chat.Api.Devices;
using Chat.Api.DeviceMessages;
using Chat.Api.Keys;
using Chat.Api.Realtime;
using Chat.Api.Users;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiServices();

var app = builder.Build();

app.UseForwardedHeaders();
app.UseChatProblemDetails();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

if (app.Environment.IsDevelopment())
{
    app.MapOpenApi();
}

app.MapDefaultEndpoints();
app.MapAuthApi();
app.MapKeySetApi();
app.MapUsersApi();
app.MapBlocksApi();
app.MapDevicesApi();
app.MapKeysApi();
app.MapDeviceMessagesApi();
app.MapConversationsApi();
app.MapConversationSettingsApi();
app.MapRolesApi();
app.MapInvitationsApi();
app.MapMessagesApi();
app.MapRealtimeEndpointApi();
app.MapCallsApi();
app.MapAttachmentsApi();

app.Run();
