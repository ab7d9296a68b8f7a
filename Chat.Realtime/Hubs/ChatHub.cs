using System.Diagnostics;
using Chat.Data;
using Chat.Data.Messaging;
using Chat.Data.Push;
using Chat.Realtime.Connections;
using Chat.Realtime.Presence;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Chat.Realtime.Hubs;

/// <summary>
/// The realtime endpoint every client connects to; docs/protocol.md documents each method and event. A bad call
/// ends in a <see cref="HubException"/> for that call only: the connection and other users carry on.
/// </summary>
[Authorize]
public sealed class ChatHub(
    MessageSender sender,
    MessageHistory history,
    ChatDbContext db,
    SendRateLimiter rateLimiter,
    LocalConnections connections,
    PresenceTracker presence,
    UserEventFanout userEvents,
    TimeProvider time) : Hub
{
    public const string Path = OpenTelemetryExtensions.RealtimeConnectionsPath + "/chat";
    public const int DefaultSyncLimit = 100;

    private Guid UserId => Context.User!.GetUserId();
    private Guid DeviceId => Context.User!.GetDeviceId();

    public override async Task OnConnectedAsync()
    {
        using var activity = StartConnectionSpan("connect device");
        connections.Add(UserId, Context.ConnectionId, DeviceId);
        await presence.ConnectedAsync(UserId, DeviceId, Context.ConnectionId);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        using var activity = StartConnectionSpan("disconnect device");
        connections.Remove(UserId, Context.ConnectionId);
        await presence.DisconnectedAsync(UserId, Context.ConnectionId);
    }

    public Task<MessageAck> SendMessage(SendMessageRequest request) =>
        AppendAsync(new NewMessage(request.ConversationId, UserId, DeviceId, request.ClientMessageId ?? "", MessageKinds.Text, request.Content));

    public Task<MessageAck> EditMessage(EditMessageRequest request) =>
        AppendAsync(new NewMessage(request.ConversationId, UserId, DeviceId, request.ClientMessageId ?? $"edit-{Guid.NewGuid():N}",
            MessageKinds.Edit, request.Content, request.MessageId));

    public Task<MessageAck> DeleteMessage(DeleteMessageRequest request) =>
        AppendAsync(new NewMessage(request.ConversationId, UserId, DeviceId, request.ClientMessageId ?? $"delete-{Guid.NewGuid():N}",
            MessageKinds.Delete, null, request.MessageId));

    public async Task<SyncResult> Sync(SyncRequest request)
    {
        var limit = request.Limit ?? DefaultSyncLimit;
        if (limit is < 1 or > MessageHistory.MaxPageSize)
        {
            throw HubErrors.Invalid($"limit must be between 1 and {MessageHistory.MaxPageSize}.");
        }

        var cursors = new Dictionary<Guid, long>();
        foreach (var cursor in request.Cursors ?? [])
        {
            if (cursor.AfterSeq < 0 || !cursors.TryAdd(cursor.ConversationId, cursor.AfterSeq))
            {
                throw HubErrors.Invalid("cursors must name each conversation once, with afterSeq >= 0.");
            }
        }

        var (messages, hasMore, memberships) = await history.SyncAsync(UserId, cursors, limit, Context.ConnectionAborted);
        var covered = messages.Select(m => m.ConversationId).Concat(cursors.Keys)
            .Intersect(memberships.Select(m => m.ConversationId)).Distinct().ToList();
        var positions = await db.ConversationMembers.AsNoTracking()
            .Where(m => covered.Contains(m.ConversationId) && m.UserId != UserId)
            .Select(m => new ReceiptPosition(m.ConversationId, m.UserId, m.DeliveredSeq, m.ReadSeq))
            .ToListAsync(Context.ConnectionAborted);
        return new SyncResult(messages, hasMore, positions);
    }

    public Task<long> MarkDelivered(PositionRequest request) => MarkAsync(request, ReceiptKinds.Delivered);

    public Task<long> MarkRead(PositionRequest request) => MarkAsync(request, ReceiptKinds.Read);

    public async Task Typing(TypingRequest request)
    {
        var others = await OtherMembersAsync(request.ConversationId);
        await userEvents.PublishAsync(ChatEvents.Typing, new TypingEvent(request.ConversationId, UserId), others);
    }

    /// <summary>
    /// A root span for connecting or disconnecting, outside the request that carries the connection: that request
    /// lasts as long as the connection, and what hangs under its span lives as long (the Redis instrumentation
    /// keeps a profiling session per parent span until the span ends: about 0.3 KiB of every idle connection).
    /// </summary>
    private static Activity? StartConnectionSpan(string name)
    {
        // Called from the async connect and disconnect methods, whose callers keep their own current span.
        Activity.Current = null;
        return RealtimeMetrics.Source.StartActivity(name, ActivityKind.Server);
    }

    private async Task<MessageAck> AppendAsync(NewMessage message)
    {
        if (rateLimiter.TryAcquire(UserId) is { } retryAfter)
        {
            throw HubErrors.RateLimited(retryAfter);
        }

        var result = await sender.SendAsync(message, Context.ConnectionAborted);
        return result.Event?.ToAck() ?? throw HubErrors.From(result.Error);
    }

    /// <summary>Moves the caller's position forward, never back and never past the last message; read implies delivered.</summary>
    private async Task<long> MarkAsync(PositionRequest request, string kind)
    {
        var (conversationId, seq, userId) = (request.ConversationId, request.Seq, UserId);
        var member = await db.ConversationMembers.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.UserId == userId && m.LeftSeq == null)
            .Select(m => new { m.DeliveredSeq, m.ReadSeq, LastSeq = db.Conversations.Where(c => c.Id == conversationId).Select(c => c.LastSeq).Single() })
            .SingleOrDefaultAsync(Context.ConnectionAborted) ?? throw HubErrors.NotMember();
        if (seq < 1 || seq > member.LastSeq)
        {
            throw HubErrors.Invalid($"seq must be between 1 and the conversation's last seq ({member.LastSeq}).");
        }

        var mine = db.ConversationMembers.Where(m => m.ConversationId == conversationId && m.UserId == userId);
        var moved = kind == ReceiptKinds.Read
            ? await mine.Where(m => m.ReadSeq < seq).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.ReadSeq, seq)
                .SetProperty(m => m.DeliveredSeq, m => m.DeliveredSeq < seq ? seq : m.DeliveredSeq), Context.ConnectionAborted)
            : await mine.Where(m => m.DeliveredSeq < seq).ExecuteUpdateAsync(s => s.SetProperty(m => m.DeliveredSeq, seq), Context.ConnectionAborted);
        if (moved == 0)
        {
            return kind == ReceiptKinds.Read ? member.ReadSeq : member.DeliveredSeq;
        }

        if (kind == ReceiptKinds.Read)
        {
            PushOutbox.AddBadgeUpdate(db, userId, conversationId, time.GetUtcNow());
            await db.SaveChangesAsync(Context.ConnectionAborted);
        }

        var others = await OtherMembersAsync(conversationId);
        await userEvents.PublishAsync(ChatEvents.Receipt, new ReceiptEvent(conversationId, userId, kind, seq), others);
        return seq;
    }

    private async Task<List<Guid>> OtherMembersAsync(Guid conversationId)
    {
        var userId = UserId;
        var members = await db.ConversationMembers.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.LeftSeq == null)
            .Select(m => m.UserId)
            .ToListAsync(Context.ConnectionAborted);
        return members.Contains(userId)
            ? members.Where(m => m != userId).ToList()
            : throw HubErrors.NotMember();
    }
}
