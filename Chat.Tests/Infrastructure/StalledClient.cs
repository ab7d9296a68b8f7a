using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A device that completes the SignalR handshake over a raw WebSocket and then stops reading its socket, as a phone
/// on a dead network or a hostile script does. Its receive buffer is kept small so that the server's writes back
/// up within a few megabytes.
/// </summary>
public sealed class StalledClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker _invoker;

    private StalledClient(ClientWebSocket socket, HttpMessageInvoker invoker) => (_socket, _invoker) = (socket, invoker);

    public static async Task<StalledClient> ConnectAsync(RealtimeNode node, string accessToken)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var invoker = new HttpMessageInvoker(handler);
        var socket = new ClientWebSocket();
        var address = new UriBuilder(new Uri(node.Address, "/hubs/chat")) { Scheme = "ws", Query = $"access_token={accessToken}" }.Uri;
        var ct = TestContext.Current.CancellationToken;
        await socket.ConnectAsync(address, invoker, ct);
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, ct);

        // The handshake answer, "{}" and the record separator; after it, nothing is read until the test says so.
        var answer = new byte[64];
        var received = await socket.ReceiveAsync(answer, ct);
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(answer, 0, received.Count));
        return new StalledClient(socket, invoker);
    }

    /// <summary>Reads everything the server sent until it closed the connection; fails if it is still open after the timeout.</summary>
    public async Task<int> ReadUntilClosedAsync(TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        var buffer = new byte[64 * 1024];
        var bytes = 0;
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer, deadline.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return bytes;
                }

                bytes += received.Count;
            }
        }
        catch (WebSocketException)
        {
            return bytes; // the server aborted the connection rather than closing it
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _invoker.Dispose();
        return ValueTask.CompletedTask;
    }
}
