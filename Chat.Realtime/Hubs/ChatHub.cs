using System.Diagnostics;
using Chat.Data.Conversations;
using Chat.Messaging.Calls;
using Chat.Messaging.DeviceMessages;
using Chat.Messaging.Errors;
using Chat.Messaging.Fanout;
using Chat.Messaging.Messages;
using Chat.Messaging.Presence;
using Chat.Messaging.Receipts;
using Chat.Realtime.Connections;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Realtime.Hubs;

/// <summary>
/// The realtime endpoint every client connects to; docs/protocol.md documents each method and event. An adapter:
/// each method hands its call to the messaging domain and turns a refusal into a <see cref="HubException"/> for
/// that call only, so the connection and other users carry on.
/// </summary>
[Authorize]
public sealed partial class ChatHub(
    MessageSender sender,
    DeviceMessenger deviceMessages,
    MessageHistory history,
    ReceiptTracker receipts,
    TypingNotifier typing,
    CallService calls,
    LocalCallDevices callDevices,
    ConnectionRegistry registry,
    IRevokedDeviceCheck revokedDevices,
    LocalConnections connections,
    IOptions<HubBudgetOptions> budgets,
    ILogger<ChatHub> logger) : Hub
{
    public const string Path = OpenTelemetryExtensions.RealtimeConnectionsPath + "/chat";

    private Guid UserId => Context.User!.GetUserId();
    private Guid DeviceId => Context.User!.GetDeviceId();
    private CallDevice CallDevice => new(UserId, DeviceId, Context.ConnectionId);

    public override async Task OnConnectedAsync()
    {
        using var activity = StartConnectionSpan("connect device");
        if (connections.CountOf(UserId) >= budgets.Value.MaxConnectionsPerUser)
        {
            // Each connection may queue up to its outbox's limit in the node's shared budget: one account holding
            // many that never read would crowd out everyone else's.
            throw ChatErrors.TooManyConnections(budgets.Value.MaxConnectionsPerUser).ToHubException();
        }

        // The revocation check goes to Redis with the registration instead of after it. What a revocation's
        // publication closes is the node's own index, which has the connection once ConnectedAsync has returned its
        // task (it is written before the first wait): one published before that found nothing to close here, and
        // its key, written before the publication, is seen by the check.
        var registered = registry.ConnectedAsync(UserId, DeviceId, Context.ConnectionId);
        var revoked = revokedDevices.IsRevokedAsync(DeviceId);
        try
        {
            await Task.WhenAll(registered, revoked);
            if (revoked.Result)
            {
                throw ChatErrors.DeviceSignedOut.ToHubException();
            }

            // A device woken by a call's push rings now. Looked up only once registered: a call started after the
            // look-up rings the devices it finds registered, so between the two every call reaches this one.
            foreach (var live in await calls.ConnectedAsync(UserId))
            {
                await Clients.Caller.SendAsync(ChatEvents.Call, live);
            }
        }
        catch
        {
            // SignalR does not call OnDisconnectedAsync for a connection whose OnConnectedAsync failed. Left in the
            // node's index, a connection that never opened would be registered again by the heartbeat after any
            // Redis outage, and its user shown online (and sent no push) for as long as the node lives.
            await ForgetFailedConnectionAsync();
            throw;
        }
    }

    private async Task ForgetFailedConnectionAsync()
    {
        try
        {
            await registry.DisconnectedAsync(UserId, Context.ConnectionId);
        }
        catch (Exception e)
        {
            // Redis away (often why the connect failed): the node's own index is already clean, and it is what the
            // heartbeat registers again once Redis is back; the caller's own failure is the one to report.
            LogFailedConnectionNotForgotten(e);
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        using var activity = StartConnectionSpan("disconnect device");
        await registry.DisconnectedAsync(UserId, Context.ConnectionId);
        callDevices.ForgetConnection(Context.ConnectionId);
    }

    public Task<MessageAck> SendMessage(SendMessageRequest request) =>
        AppendAsync(new NewMessage(request.ConversationId, UserId, DeviceId, request.ClientMessageId ?? "",
            request.AttachmentId is null ? MessageKind.Text : MessageKind.Attachment, request.Content, AttachmentId: request.AttachmentId));

    public Task<MessageAck> EditMessage(EditMessageRequest request) =>
        AppendAsync(new NewMessage(request.ConversationId, UserId, DeviceId, request.ClientMessageId ?? $"edit-{Guid.NewGuid():N}",
            MessageKind.Edit, request.Content, request.MessageId));

    public Task<MessageAck> DeleteMessage(DeleteMessageRequest request) =>
        AppendAsync(new NewMessage(request.ConversationId, UserId, DeviceId, request.ClientMessageId ?? $"delete-{Guid.NewGuid():N}",
            MessageKind.Delete, null, request.MessageId));

    public async Task<DeviceSendAck> SendToDevices(SendToDevicesRequest request) =>
        (await deviceMessages.SendAsync(UserId, DeviceId, request, Context.ConnectionAborted)).OrThrow();

    public async Task<DeviceMessagePage> SyncDeviceMessages(DeviceSyncRequest request) =>
        (await deviceMessages.SyncAsync(DeviceId, request, Context.ConnectionAborted)).OrThrow();

    public async Task<int> AckDeviceMessages(AckDeviceMessagesRequest request) =>
        (await deviceMessages.AcknowledgeAsync(DeviceId, request, Context.ConnectionAborted)).OrThrow();

    public async Task<SyncResult> Sync(SyncRequest request) =>
        (await history.SyncAsync(UserId, request, Context.ConnectionAborted)).OrThrow();

    public async Task<long> MarkDelivered(PositionRequest request) =>
        (await receipts.MarkDeliveredAsync(request.ConversationId, UserId, request.Seq, Context.ConnectionAborted)).OrThrow();

    public async Task<long> MarkRead(PositionRequest request) =>
        (await receipts.MarkReadAsync(request.ConversationId, UserId, request.Seq, Context.ConnectionAborted)).OrThrow();

    public async Task Typing(TypingRequest request)
    {
        if (await typing.TypingAsync(request.ConversationId, UserId, Context.ConnectionAborted) is { } refused)
        {
            throw refused.ToHubException();
        }
    }

    public async Task<CallView> StartCall(StartCallRequest request) => (await calls.StartAsync(CallDevice, request, Context.ConnectionAborted)).OrThrow();

    public async Task<CallView> AcceptCall(CallRequest request) => (await calls.AcceptAsync(CallDevice, request, Context.ConnectionAborted)).OrThrow();

    public async Task<CallView> RejectCall(CallRequest request) => (await calls.RejectAsync(UserId, request, Context.ConnectionAborted)).OrThrow();

    public async Task<CallView> CancelCall(CallRequest request) => (await calls.CancelAsync(CallDevice, request)).OrThrow();

    public async Task<CallView> HangUp(CallRequest request) => (await calls.HangUpAsync(CallDevice, request)).OrThrow();

    public async Task SendCallSignal(CallSignalRequest request)
    {
        if (await calls.SignalAsync(CallDevice, request, Context.ConnectionAborted) is { } refused)
        {
            throw refused.ToHubException();
        }
    }

    /// <summary>
    /// A root span for connecting or disconnecting, outside the request that carries the connection: that request
    /// lasts as long as the connection, and what hangs under its span lives as long (the Redis instrumentation
    /// keeps a profiling session per parent span until the span ends).
    /// </summary>
    private static Activity? StartConnectionSpan(string name)
    {
        // Called from the async connect and disconnect methods, whose callers keep their own current span.
        Activity.Current = null;
        return RealtimeMetrics.Source.StartActivity(name, ActivityKind.Server);
    }

    private async Task<MessageAck> AppendAsync(NewMessage message)
    {
        var result = await sender.SendAsync(message, Context.ConnectionAborted);
        return result.Event?.ToAck() ?? throw result.Error!.ToHubException();
    }

    [LoggerMessage(1, LogLevel.Warning, "A connection that failed to open could not be taken out of presence; the node's own index no longer holds it")]
    private partial void LogFailedConnectionNotForgotten(Exception exception);
}
