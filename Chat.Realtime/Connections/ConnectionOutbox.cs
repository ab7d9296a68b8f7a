using Microsoft.AspNetCore.SignalR;

namespace Chat.Realtime.Connections;

/// <summary>
/// The events on their way to one connection. A write that the connection takes at once (the usual case) goes
/// straight through; once one has to wait for the socket, later events queue here in order and a drain writes them
/// one by one, so nobody who writes to this connection waits for it. A connection whose queue passes its bound, or
/// whose socket takes no write for <see cref="OutboxOptions.StallTimeout"/>, is closed: its device reconnects and
/// Syncs, and loses nothing. So is one that would take the node's queues past their shared
/// <see cref="OutboxBudget"/>.
/// </summary>
public sealed class ConnectionOutbox(
    HubConnectionContext connection, OutboxOptions options, OutboxBudget budget, Action<HubConnectionContext, string> cutOff)
{
    public const string QueueFull = "queue_full";
    public const string Stalled = "stalled";
    public const string WriteFailed = "write_failed";

    private readonly Lock _gate = new();

    /// <summary>Null while no write waits: an idle connection holds no queue.</summary>
    private Queue<(SerializedHubMessage Message, int Bytes)>? _backlog;

    private long _backlogBytes;
    private bool _closed;

    /// <summary>Hands an event to the connection without waiting for it; events keep the order of these calls.</summary>
    public HubConnectionContext Connection => connection;

    public void Send(SerializedHubMessage message)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            if (_backlog is null)
            {
                var write = connection.WriteAsync(message);
                if (!write.IsCompletedSuccessfully)
                {
                    // The backlog must exist before the drain starts: a write that completes meanwhile runs the
                    // drain inline, on this thread, under this lock, and the drain ends by clearing the backlog.
                    _backlog = new();
                    _ = DrainAsync(write);
                }

                return;
            }

            int bytes;
            try
            {
                // Serialised once per protocol for every connection the event goes to; here it is a cache lookup.
                bytes = message.GetSerializedMessage(connection.Protocol).Length;
            }
            catch (Exception)
            {
                CloseLocked(WriteFailed);
                return;
            }

            if (_backlog.Count >= options.MaxQueuedEvents || _backlogBytes + bytes > options.MaxQueuedBytes || !budget.TryTake(bytes))
            {
                CloseLocked(QueueFull);
                return;
            }

            _backlog.Enqueue((message, bytes));
            _backlogBytes += bytes;
        }
    }

    /// <summary>Stops handing events over: the connection has gone.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            DropBacklogLocked();
        }
    }

    private async Task DrainAsync(ValueTask pending)
    {
        while (true)
        {
            try
            {
                await pending.AsTask().WaitAsync(options.StallTimeout);
            }
            catch (TimeoutException)
            {
                lock (_gate)
                {
                    CloseLocked(Stalled);
                }

                return;
            }
            catch (Exception)
            {
                // SignalR's writes do not fault today (a failed write aborts the connection and completes); should
                // one ever, the connection must still end, or it would stay open and receive nothing.
                lock (_gate)
                {
                    CloseLocked(WriteFailed);
                }

                return;
            }

            lock (_gate)
            {
                if (_closed || !_backlog!.TryDequeue(out var next))
                {
                    DropBacklogLocked();
                    _backlog = null;
                    return;
                }

                _backlogBytes -= next.Bytes;
                budget.Return(next.Bytes);
                pending = connection.WriteAsync(next.Message);
            }
        }
    }

    private void CloseLocked(string reason)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        DropBacklogLocked();
        connection.Abort();
        try
        {
            cutOff(connection, reason);
        }
        catch (Exception)
        {
            // Counting and logging must not keep anything from going on; the connection is closed either way.
        }
    }

    private void DropBacklogLocked()
    {
        _backlog?.Clear();
        budget.Return(_backlogBytes);
        _backlogBytes = 0;
    }
}
