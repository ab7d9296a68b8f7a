using System.Threading.Channels;
using Chat.Client.Storage;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Client.Realtime;

/// <summary>
/// A device's connection to a realtime node, applying protocol.md's exactly-once rules: per conversation and for
/// the device's envelopes it keeps the highest seq applied (in the key store, so a restart resumes there), ignores
/// what it has applied, syncs when a seq skips ahead, and syncs everything after each (re)connect, envelopes
/// first (they carry the keys later messages need). Events are applied one at a time on a queue of its own: a
/// SignalR handler that waited for a hub call would stall the connection's receive loop.
/// </summary>
public sealed class ChatConnection : IAsyncDisposable
{
    private const int SyncPage = 200;

    private readonly IKeyStore _store;
    private readonly IEventSink _sink;
    private readonly Channel<Func<Task>> _work = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Guid _deviceId;
    private readonly Task _applying;
    private Dictionary<Guid, long>? _cursors;
    private long? _deviceCursor;

    public ChatConnection(Uri hubUrl, Guid deviceId, Func<Task<string?>> accessToken, IKeyStore store, IEventSink sink)
    {
        _deviceId = deviceId;
        _store = store;
        _sink = sink;
        Connection = new HubConnectionBuilder()
            .WithUrl(hubUrl, HttpTransportType.WebSockets, options =>
            {
                options.SkipNegotiation = true;
                options.AccessTokenProvider = accessToken;
            })
            .WithAutomaticReconnect(new ForeverRetry())
            .Build();
        Connection.On<MessageEvent>("message", m => Enqueue(() => ApplyAsync(m)));
        Connection.On<DeviceMessageEvent>("deviceMessage", m => Enqueue(() => ApplyAsync(m)));
        Connection.On<DevicesChanged>("devices", d => Enqueue(() => _sink.OnDevicesChangedAsync(d.UserId)));
        Connection.Reconnected += _ => Enqueue(CatchUpAsync);
        _applying = Task.Run(ApplyLoopAsync);
    }

    public HubConnection Connection { get; }

    /// <summary>Errors of applying events: the sink threw (its storage failed); the event is not counted as applied and comes again.</summary>
    public event Action<Exception>? ApplyFailed;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await Connection.StartAsync(cancellationToken);
        await RunAsync(CatchUpAsync);
    }

    /// <summary>
    /// Sends, and applies the acknowledgement in seq order as the protocol asks (the sending device gets no event).
    /// Only on the apply queue (<see cref="RunAsync"/>, or an <see cref="IEventSink"/> method).
    /// </summary>
    public async Task<MessageAck> SendMessageOnQueueAsync(Guid conversationId, string clientMessageId, string content, CancellationToken cancellationToken = default,
        Guid? attachmentId = null)
    {
        var ack = await Connection.InvokeAsync<MessageAck>("SendMessage", new { conversationId, clientMessageId, content, attachmentId }, cancellationToken);
        var cursor = await CursorAsync(conversationId);
        if (ack.Seq == cursor + 1)
        {
            await SetCursorAsync(conversationId, ack.Seq);
        }
        else if (ack.Seq > cursor + 1)
        {
            await SyncConversationsAsync();
        }

        return ack;
    }

    public Task<DeviceSendAck> SendToDevicesAsync(string clientMessageId, IReadOnlyList<Api.EnvelopeJson> envelopes, CancellationToken cancellationToken = default) =>
        Connection.InvokeAsync<DeviceSendAck>("SendToDevices", new { clientMessageId, envelopes }, cancellationToken);

    /// <summary>
    /// Fetches and applies envelopes that have not arrived live yet (a key a message needs may be among them). Only
    /// on the apply queue.
    /// </summary>
    public Task SyncDeviceMessagesOnQueueAsync() => SyncDeviceAsync();

    /// <summary>Runs on the apply queue, after what is queued already.</summary>
    public Task RunAsync(Func<Task> work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(async () =>
        {
            try
            {
                await work();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        await Connection.DisposeAsync();
        await _applying;
    }

    private Task Enqueue(Func<Task> work)
    {
        _work.Writer.TryWrite(work);
        return Task.CompletedTask;
    }

    private async Task ApplyLoopAsync()
    {
        await foreach (var work in _work.Reader.ReadAllAsync())
        {
            try
            {
                await work();
            }
            catch (Exception e)
            {
                ApplyFailed?.Invoke(e);
            }
        }
    }

    private async Task CatchUpAsync()
    {
        await _sink.OnConnectedAsync();
        await SyncDeviceAsync();
        await SyncConversationsAsync();
    }

    /// <summary>
    /// Everything after every cursor, page by page (a conversation without one from its start, as Sync does): also
    /// what a gap in one conversation needs. Naming one conversation alone would not do: Sync reads the others from
    /// seq 0 and may fill every page with them.
    /// </summary>
    private async Task SyncConversationsAsync()
    {
        while (true)
        {
            var cursors = (await CursorsAsync()).Select(c => new { conversationId = c.Key, afterSeq = c.Value }).ToList();

            var page = await Connection.InvokeAsync<SyncResult>("Sync", new { cursors, limit = SyncPage });
            foreach (var message in page.Messages)
            {
                await ApplyInOrderAsync(message);
            }

            if (!page.HasMore)
            {
                return;
            }
        }
    }

    private async Task ApplyAsync(MessageEvent message)
    {
        var cursor = await CursorAsync(message.ConversationId);
        if (message.Seq <= cursor)
        {
            return;
        }

        if (message.Seq > cursor + 1)
        {
            await SyncConversationsAsync();
            return;
        }

        await ApplyInOrderAsync(message);
    }

    private async Task ApplyInOrderAsync(MessageEvent message)
    {
        var cursor = await CursorAsync(message.ConversationId);
        if (message.Seq != cursor + 1)
        {
            return;
        }

        // This device's own messages it knows from their acknowledgements; a membership change it made has none. A
        // sink that throws (its storage failed) leaves the cursor where it was: the event comes again at the next sync.
        if (message.SenderDeviceId != _deviceId || message.MemberId is not null)
        {
            await _sink.OnMessageAsync(message);
        }

        await SetCursorAsync(message.ConversationId, message.Seq);
    }

    private async Task ApplyAsync(DeviceMessageEvent message)
    {
        var cursor = await DeviceCursorAsync();
        if (message.Seq <= cursor)
        {
            return;
        }

        if (message.Seq > cursor + 1)
        {
            await SyncDeviceAsync();
            return;
        }

        await ApplyInOrderAsync(message);
        await Connection.InvokeAsync<int>("AckDeviceMessages", new { upTo = message.Seq });
    }

    private async Task ApplyInOrderAsync(DeviceMessageEvent message)
    {
        // Only once the sink has it (or refused it for good) does the cursor move, and with it the acknowledgement.
        await _sink.OnDeviceMessageAsync(message);
        _deviceCursor = message.Seq;
        await _store.WriteAsync("device-cursor", message.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task SyncDeviceAsync()
    {
        while (true)
        {
            var page = await Connection.InvokeAsync<DeviceMessagePage>("SyncDeviceMessages", new { after = await DeviceCursorAsync(), limit = SyncPage });
            foreach (var message in page.Messages)
            {
                if (message.Seq > await DeviceCursorAsync())
                {
                    await ApplyInOrderAsync(message);
                }
            }

            if (page.Messages.Count > 0)
            {
                await Connection.InvokeAsync<int>("AckDeviceMessages", new { upTo = await DeviceCursorAsync() });
            }

            if (!page.HasMore)
            {
                return;
            }
        }
    }

    private async Task<Dictionary<Guid, long>> CursorsAsync() => _cursors ??= await _store.GetAsync<Dictionary<Guid, long>>("cursors") ?? [];

    private async Task<long> CursorAsync(Guid conversationId) => (await CursorsAsync()).GetValueOrDefault(conversationId);

    private async Task SetCursorAsync(Guid conversationId, long seq)
    {
        var cursors = await CursorsAsync();
        cursors[conversationId] = seq;
        await _store.PutAsync("cursors", cursors);
    }

    private async Task<long> DeviceCursorAsync()
    {
        if (_deviceCursor is null)
        {
            var stored = await _store.ReadAsync("device-cursor");
            _deviceCursor = stored is null ? 0 : long.Parse(stored, System.Globalization.CultureInfo.InvariantCulture);
        }

        return _deviceCursor.Value;
    }

    /// <summary>Reconnects for as long as the application keeps the connection, waiting up to 10 s between attempts.</summary>
    private sealed class ForeverRetry : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            TimeSpan.FromMilliseconds(Math.Min(10_000, 250 * Math.Pow(2, Math.Min(retryContext.PreviousRetryCount, 6))));
    }
}
