using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Chat.Bench.Targets;

/// <summary>
/// A device of ours that completes the SignalR handshake over a raw WebSocket and then stops reading, as a phone on
/// a dead network does. Its receive buffer is small, so the node's writes to it back up within a few megabytes.
/// </summary>
public sealed class StalledConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker _invoker;

    private StalledConnection(ClientWebSocket socket, HttpMessageInvoker invoker) => (_socket, _invoker) = (socket, invoker);

    public static async Task<StalledConnection> ConnectAsync(Uri hub, string accessToken, CancellationToken cancellationToken)
    {
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new UriBuilder(hub) { Scheme = "ws", Query = $"access_token={accessToken}" }.Uri, invoker, cancellationToken);
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, cancellationToken);
        var answer = new byte[64];
        await socket.ReceiveAsync(answer, cancellationToken);
        return new StalledConnection(socket, invoker);
    }

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _invoker.Dispose();
        return ValueTask.CompletedTask;
    }
}
