using System.Collections.Concurrent;
using Chat.Tests.Messages;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A device that keeps sending while faults happen, as a well-behaved app does: a call that fails is sent again
/// with the same clientMessageId (over a new connection, to whichever node answers) until it is acknowledged, and
/// after each reconnect the device syncs what it missed. It records what it was acknowledged and what it received.
/// Every call has a time limit, so a call the system never answers is retried (or reported by <see cref="StopAllAsync"/>)
/// instead of holding the test until the run's hang timeout.
/// </summary>
public sealed class LoadClient(ChatApp chat, TestUser user, Guid conversation, int preferredNode) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    /// <summary>How long one call may go unanswered before the device gives up on it and tries again.</summary>
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(30);

    /// <summary>How long a device keeps trying to connect before the test fails on it.</summary>
    private static readonly TimeSpan ConnectLimit = TimeSpan.FromMinutes(2);

    private readonly CancellationTokenSource _stop = new();

    /// <summary>Ends even the retries of an unacknowledged message: the device is being thrown away.</summary>
    private readonly CancellationTokenSource _abandon = new();
    private ChatClient? _client;
    private Task _sending = Task.CompletedTask;

    public TestUser User => user;
    public Guid Conversation => conversation;

    /// <summary>Messages acknowledged to this device: id → seq.</summary>
    public ConcurrentDictionary<Guid, long> Acknowledged { get; } = new();

    /// <summary>What reached this device: the live events of each connection it had, in order, and what its syncs returned.</summary>
    public ConcurrentQueue<IReadOnlyList<MessageEvent>> LivePerConnection { get; } = new();

    public ConcurrentQueue<MessageEvent> Synced { get; } = new();

    public int Reconnects { get; private set; }

    /// <summary>The message being sent (or null), with when it was first tried, how often, and the last failure.</summary>
    private volatile string? _unacknowledged;
    private DateTime _unacknowledgedSince;
    private int _attempts;
    private volatile string? _lastFailure;

    private RealtimeNode? _node;

    /// <summary>Whether the device's current connection is to that node.</summary>
    public bool IsOn(RealtimeNode node) => _client is { Connection.State: HubConnectionState.Connected } && _node == node;

    public async Task StartAsync(TimeSpan interval)
    {
        await ConnectAsync();
        _sending = SendLoopAsync(interval);
    }

    /// <summary>
    /// Stops every device's sending once its message in flight is acknowledged. Returns, for each device still
    /// waiting after the limit, what it waits for and the last failure; an empty list when all have stopped.
    /// </summary>
    public static async Task<List<string>> StopAllAsync(IReadOnlyCollection<LoadClient> devices, TimeSpan limit)
    {
        foreach (var device in devices)
        {
            await device._stop.CancelAsync();
        }

        // A loop that ended in an error is reported by the test's own checks; here only the ones still running count.
        await Task.WhenAny(Task.WhenAll(devices.Select(d => d._sending)), Task.Delay(limit, CancellationToken.None));

        return devices.Where(d => !d._sending.IsCompleted)
            .Select(d => $"{d.User.Username} waits for an ack of {d._unacknowledged} since {d._unacknowledgedSince:HH:mm:ss} "
                + $"({d._attempts} attempts, last failure: {d._lastFailure ?? "none"})")
            .ToList();
    }

    /// <summary>Syncs the whole conversation from the start; what comes back is the stored truth.</summary>
    public async Task<List<MessageEvent>> StoredAsync()
    {
        var all = new List<MessageEvent>();
        long after = 0;
        while (true)
        {
            var page = await (await CurrentAsync()).SyncAsync([(conversation, after)], limit: 200).WaitAsync(CallLimit, TestContext.Current.CancellationToken);
            all.AddRange(page.Messages);
            if (!page.HasMore || page.Messages.Count == 0)
            {
                return all;
            }

            after = page.Messages[^1].Seq;
        }
    }

    private async Task SendLoopAsync(TimeSpan interval)
    {
        var n = 0;
        while (!_stop.IsCancellationRequested)
        {
            var clientMessageId = $"{user.Username}-{n++}";
            (_unacknowledged, _unacknowledgedSince, _attempts) = (clientMessageId, DateTime.UtcNow, 0);
            while (!_abandon.IsCancellationRequested)
            {
                _attempts++;
                try
                {
                    var client = await CurrentAsync();
                    using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
                    limit.CancelAfter(CallLimit);
                    var ack = await client.Connection.InvokeAsync<MessageAck>("SendMessage",
                        new { conversationId = conversation, clientMessageId, content = clientMessageId }, limit.Token);
                    Acknowledged[ack.MessageId] = ack.Seq;
                    _unacknowledged = null;
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException || !TestContext.Current.CancellationToken.IsCancellationRequested)
                {
                    // Not acknowledged: not sent, as far as this device knows. Same id again, after a pause; the
                    // message may be stored already, which the resend's answer (the stored one's ack) tells.
                    _lastFailure = $"{DateTime.UtcNow:HH:mm:ss} {e.GetType().Name}: {e.Message}";
                    await Task.Delay(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);
                }
            }

            await Task.Delay(interval, TestContext.Current.CancellationToken);
        }
    }

    private async Task<ChatClient> CurrentAsync()
    {
        if (_client is { Connection.State: HubConnectionState.Connected } connected)
        {
            return connected;
        }

        await ConnectAsync();
        return _client!;
    }

    private async Task ConnectAsync()
    {
        await _connecting.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_client is { Connection.State: HubConnectionState.Connected })
            {
                return;
            }

            if (_client is not null)
            {
                LivePerConnection.Enqueue(_client.MessagesIn(conversation));
                await _client.DisposeAsync();
                Reconnects++;
            }

            var deadline = DateTime.UtcNow + ConnectLimit;
            for (var attempt = 0; ; attempt++)
            {
                var nodes = chat.RealtimeNodes;
                var node = nodes[(preferredNode + attempt) % nodes.Count];
                var connecting = ChatClient.ConnectAsync(node, user.Tokens.AccessToken);
                try
                {
                    var client = await connecting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
                    // An abandoned device closes what it has just opened: the catch below disposes it.
                    _abandon.Token.ThrowIfCancellationRequested();

                    (_client, _node) = (client, node);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException || !TestContext.Current.CancellationToken.IsCancellationRequested)
                {
                    _lastFailure = $"{DateTime.UtcNow:HH:mm:ss} connecting to {node.ResourceId}: {e.GetType().Name}: {e.Message}";
                    _ = DisposeWhenConnectedAsync(connecting);
                    _abandon.Token.ThrowIfCancellationRequested();

                    // A refused token stays refused, and a system that takes no one for this long is down: fail, naming why.
                    if (e.Message.Contains("'401'", StringComparison.Ordinal) || DateTime.UtcNow > deadline)
                    {
                        throw new InvalidOperationException($"{user.Username} could not connect: {_lastFailure}", e);
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
                }
            }
        }
        finally
        {
            _connecting.Release();
        }

        // What happened while this device was away. Without it the connection's record would have a hole, so a
        // device that could not sync drops the connection, and its next call connects and syncs again.
        var connected = _client!;
        try
        {
            foreach (var message in await StoredAsync())
            {
                Synced.Enqueue(message);
            }
        }
        catch
        {
            await connected.Connection.StopAsync();
            throw;
        }
    }

    /// <summary>A connect given up on may still succeed later: that connection is closed, not left open.</summary>
    private static async Task DisposeWhenConnectedAsync(Task<ChatClient> connecting)
    {
        try
        {
            await (await connecting).DisposeAsync();
        }
        catch (Exception)
        {
            // It failed: there is nothing to close.
        }
    }

    /// <summary>Ends the device's session: its last connection's live events join the record.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _abandon.CancelAsync();

        // A loop in the middle of a connect finishes it (and closes what it opened) within a connect's limit.
        await Task.WhenAny(_sending, Task.Delay(TimeSpan.FromSeconds(15), CancellationToken.None));
        if (_client is not null)
        {
            LivePerConnection.Enqueue(_client.MessagesIn(conversation));
            await _client.DisposeAsync();
            _client = null;
        }
    }
}
