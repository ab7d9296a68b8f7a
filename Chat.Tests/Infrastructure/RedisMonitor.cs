using System.Net.Sockets;
using System.Text;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// Every command Redis executes while it runs, as Redis's MONITOR prints them (binary bytes escaped): what any
/// service wrote to Redis or published through it.
/// </summary>
public sealed class RedisMonitor : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly MemoryStream _captured = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private RedisMonitor(TcpClient client)
    {
        _client = client;
        _reading = ReadAsync();
    }

    public static async Task<RedisMonitor> StartAsync(string connectionString)
    {
        var parts = connectionString.Split(',');
        var hostPort = parts[0].Split(':');
        var password = parts.FirstOrDefault(p => p.StartsWith("password=", StringComparison.Ordinal))?["password=".Length..];
        var client = new TcpClient();
        await client.ConnectAsync(hostPort[0], int.Parse(hostPort[1]));
        var stream = client.GetStream();
        if (password is not null)
        {
            await stream.WriteAsync(Command("AUTH", password));
        }

        await stream.WriteAsync(Command("MONITOR"));
        return new RedisMonitor(client);
    }

    /// <summary>What was captured so far.</summary>
    public string Text
    {
        get
        {
            lock (_captured)
            {
                return Encoding.UTF8.GetString(_captured.ToArray());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _client.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        var stream = _client.GetStream();
        while (!_stop.IsCancellationRequested)
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            lock (_captured)
            {
                _captured.Write(buffer, 0, read);
            }
        }
    }

    private static byte[] Command(params string[] arguments)
    {
        var command = new StringBuilder($"*{arguments.Length}\r\n");
        foreach (var argument in arguments)
        {
            command.Append($"${Encoding.UTF8.GetByteCount(argument)}\r\n{argument}\r\n");
        }

        return Encoding.UTF8.GetBytes(command.ToString());
    }
}
