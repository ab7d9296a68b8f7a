using System.Collections.Concurrent;
using Chat.Messaging.Calls;
using Chat.Tests.Messages;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Infrastructure;

/// <summary>One device connected to one realtime node, recording every event it receives.</summary>
public sealed class ChatClient : IAsyncDisposable
{
    private readonly ConcurrentQueue<MessageEvent> _messages = new();
    private readonly ConcurrentQueue<ReceiptEvent> _receipts = new();
    private readonly ConcurrentQueue<PresenceEvent> _presence = new();
    private readonly ConcurrentQueue<CallEvent> _calls = new();
    private readonly ConcurrentQueue<CallSignalEvent> _callSignals = new();
    private readonly ConcurrentQueue<InvitationEvent> _invitations = new();

    private ChatClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<MessageEvent>("message", _messages.Enqueue);
        connection.On<ReceiptEvent>("receipt", _receipts.Enqueue);
        connection.On<PresenceEvent>("presence", _presence.Enqueue);
        connection.On<CallEvent>("call", _calls.Enqueue);
        connection.On<CallSignalEvent>("callSignal", _callSignals.Enqueue);
        connection.On<InvitationEvent>("invitation", _invitations.Enqueue);
    }

    public HubConnection Connection { get; }

    public IReadOnlyList<MessageEvent> Messages => [.. _messages];
    public IReadOnlyList<ReceiptEvent> Receipts => [.. _receipts];
    public IReadOnlyList<PresenceEvent> Presence => [.. _presence];
    public IReadOnlyList<CallEvent> Calls => [.. _calls];
    public IReadOnlyList<CallSignalEvent> CallSignals => [.. _callSignals];
    public IReadOnlyList<InvitationEvent> Invitations => [.. _invitations];

    public static async Task<ChatClient> ConnectAsync(RealtimeNode node, string accessToken, bool messagePack = false)
    {
        var client = new ChatClient(HubClients.Create(node, accessToken, messagePack));
        await client.Connection.StartAsync(TestContext.Current.CancellationToken);

        // The handshake is answered before the node has registered the connection (presence, live delivery); the
        // first call is answered after, so from here on the device counts as connected, as an app's first Sync.
        await client.SyncAsync([], limit: 1);
        return client;
    }

    public Task<MessageAck> SendAsync(Guid conversationId, string content, string? clientMessageId = null) =>
        Connection.InvokeAsync<MessageAck>("SendMessage",
            new { conversationId, clientMessageId = clientMessageId ?? Guid.NewGuid().ToString(), content }, TestContext.Current.CancellationToken);

    /// <summary>Sends as a well-behaved client does under load: on rate_limited it waits and resends with the same id.</summary>
    public async Task<MessageAck> SendPacedAsync(Guid conversationId, string content, string? clientMessageId = null)
    {
        clientMessageId ??= Guid.NewGuid().ToString();
        while (true)
        {
            try
            {
                return await SendAsync(conversationId, content, clientMessageId);
            }
            catch (HubException e) when (e.Message.Contains("rate_limited"))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), TestContext.Current.CancellationToken);
            }
        }
    }

    public Task<SyncResult> SyncAsync(IEnumerable<(Guid ConversationId, long AfterSeq)> cursors, int limit = 100) =>
        Connection.InvokeAsync<SyncResult>("Sync",
            new { cursors = cursors.Select(c => new { conversationId = c.ConversationId, afterSeq = c.AfterSeq }), limit }, TestContext.Current.CancellationToken);

    /// <summary>Waits until the recorded events satisfy a condition; fails with what was seen after the timeout.</summary>
    public Task WaitUntilAsync(Func<ChatClient, bool> condition, TimeSpan? timeout = null) =>
        Eventually.HoldsAsync(() => condition(this), timeout ?? TimeSpan.FromSeconds(15),
            () => $"condition not met; {_messages.Count} message(s), {_receipts.Count} receipt(s), {_presence.Count} presence event(s), {_calls.Count} call event(s) seen: "
                + string.Join(", ", _calls.Select(c => $"{c.Type}/{c.Call.State}/{c.Call.Outcome}")));

    public IReadOnlyList<MessageEvent> MessagesIn(Guid conversationId) => Messages.Where(m => m.ConversationId == conversationId).ToList();

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
