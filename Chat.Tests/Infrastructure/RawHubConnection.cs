using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using MessagePack;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A hub connection written by hand over a raw WebSocket, JSON or MessagePack, so a test can send frames no SignalR
/// client would: malformed, truncated, type-confused. It reads the server's completions and close messages.
/// </summary>
public sealed class RawHubConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly bool _messagePack;
    private readonly Queue<Reply> _pending = new();
    private byte[] _buffered = [];

    private RawHubConnection(bool messagePack) => _messagePack = messagePack;

    public abstract record Reply;

    /// <summary>A call's answer: <paramref name="Error"/> is null when it succeeded.</summary>
    public sealed record Completion(string InvocationId, string? Error) : Reply;

    /// <summary>The server closed the connection, with the close message's error if it sent one.</summary>
    public sealed record Closed(string? Error) : Reply;

    public bool IsOpen => _socket.State == WebSocketState.Open;

    public static async Task<RawHubConnection> ConnectAsync(RealtimeNode node, string accessToken, bool messagePack)
    {
        var connection = new RawHubConnection(messagePack);
        var address = new UriBuilder(new Uri(node.Address, "/hubs/chat")) { Scheme = "ws", Query = $"access_token={accessToken}" }.Uri;
        var ct = TestContext.Current.CancellationToken;
        await connection._socket.ConnectAsync(address, ct);
        var protocol = messagePack ? "messagepack" : "json";
        await connection._socket.SendAsync(Encoding.UTF8.GetBytes($"{{\"protocol\":\"{protocol}\",\"version\":1}}\u001e"), WebSocketMessageType.Text, true, ct);
        var answer = new byte[64];
        var received = await connection._socket.ReceiveAsync(answer, ct);
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(answer, 0, received.Count));
        return connection;
    }

    /// <summary>Sends bytes as one WebSocket message, exactly as given (a JSON frame must carry its own separator).</summary>
    public Task SendAsync(byte[] frame) =>
        _socket.SendAsync(frame, _messagePack ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);

    /// <summary>Sends bytes as one WebSocket message of the given kind, whatever the protocol expects.</summary>
    public Task SendRawAsync(byte[] frame, bool binary) =>
        _socket.SendAsync(frame, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);

    /// <summary>The next completion or close, skipping pings and events; null if nothing came within the timeout.</summary>
    public async Task<Reply?> NextAsync(TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        var buffer = new byte[128 * 1024];
        while (_pending.Count == 0)
        {
            WebSocketReceiveResult received;
            try
            {
                received = await _socket.ReceiveAsync(buffer, deadline.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                return null;
            }
            catch (WebSocketException)
            {
                return new Closed(null);
            }

            if (received.MessageType == WebSocketMessageType.Close)
            {
                return new Closed(null);
            }

            _buffered = [.. _buffered, .. buffer.AsSpan(0, received.Count)];
            if (received.EndOfMessage)
            {
                Parse(_buffered);
                _buffered = [];
            }
        }

        return _pending.Dequeue();
    }

    private void Parse(byte[] message)
    {
        if (!_messagePack)
        {
            foreach (var frame in Encoding.UTF8.GetString(message).Split('\u001e', StringSplitOptions.RemoveEmptyEntries))
            {
                using var json = JsonDocument.Parse(frame);
                var root = json.RootElement;
                var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
                switch (root.GetProperty("type").GetInt32())
                {
                    case 3:
                        _pending.Enqueue(new Completion(root.GetProperty("invocationId").GetString()!, error));
                        break;
                    case 7:
                        _pending.Enqueue(new Closed(error));
                        break;
                }
            }

            return;
        }

        var rest = new ReadOnlySequence<byte>(message);
        while (!rest.IsEmpty)
        {
            var (length, prefix) = ReadLength(rest);
            var reader = new MessagePackReader(rest.Slice(prefix, length));
            rest = rest.Slice(prefix + length);
            var count = reader.ReadArrayHeader();
            switch (reader.ReadInt32())
            {
                case 3:
                    reader.Skip();
                    var id = reader.ReadString()!;
                    var kind = reader.ReadInt32();
                    _pending.Enqueue(new Completion(id, kind == 1 ? reader.ReadString() : null));
                    break;
                case 7:
                    _pending.Enqueue(new Closed(count > 1 && !reader.TryReadNil() ? reader.ReadString() : null));
                    break;
            }
        }
    }

    private static (int Length, int Prefix) ReadLength(ReadOnlySequence<byte> data)
    {
        var reader = new SequenceReader<byte>(data);
        int length = 0, shift = 0, prefix = 0;
        while (reader.TryRead(out var b))
        {
            prefix++;
            length |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }

            shift += 7;
        }

        return (length, prefix);
    }

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
