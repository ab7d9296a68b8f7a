using System.Net.WebSockets;
using System.Text;

namespace Chat.Bench.Targets;

/// <summary>
/// A raw WebSocket that sends and receives whole text messages, for the peers without a SignalR client (the echo
/// and socket.io): sends are serialised, as a WebSocket allows one at a time, and fragments are joined.
/// </summary>
public sealed class TextWebSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private Task _receiving = Task.CompletedTask;

    /// <summary>Connects, then hands every message received to <paramref name="onMessage"/>, one after another.</summary>
    public async Task ConnectAsync(Uri address, Func<string, Task> onMessage)
    {
        await _socket.ConnectAsync(address, CancellationToken.None);
        _receiving = ReceiveAsync(onMessage);
    }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    public async Task SendAsync(string text)
    {
        await _sending.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Closes the socket and waits until the server has acknowledged it.</summary>
    public async Task CloseAsync()
    {
        await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await _receiving;
    }

    public async ValueTask DisposeAsync()
    {
        if (IsOpen)
        {
            await CloseAsync();
        }

        _socket.Dispose();
        _sending.Dispose();
    }

    private async Task ReceiveAsync(Func<string, Task> onMessage)
    {
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                text.Append(Encoding.UTF8.GetString(buffer, 0, received.Count));
                if (received.EndOfMessage)
                {
                    await onMessage(text.ToString());
                    text.Clear();
                }
            }
        }
        catch (WebSocketException)
        {
            // The server went away: the workload counts what did not arrive.
        }
    }
}
