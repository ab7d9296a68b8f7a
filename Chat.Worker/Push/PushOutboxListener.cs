using System.Threading.Channels;
using Chat.Data.Push;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Chat.Worker.Push;

/// <summary>
/// Wakes the dispatcher when entries are committed to the push outbox: the statement that inserts them notifies
/// <see cref="PushOutboxEntry.NotificationChannel"/>, and this service keeps one connection that LISTENs to it. While
/// that connection is down (PostgreSQL restarting), it reconnects with backoff and the dispatcher's slow poll
/// (<see cref="PushOptions.SafetyPollInterval"/>) is what finds new entries.
/// </summary>
public sealed partial class PushOutboxListener(NpgsqlDataSource dataSource, IOptions<PushOptions> options, TimeProvider time,
    ILogger<PushOutboxListener> logger) : BackgroundService
{
    /// <summary>At most one wake-up waits: any number of notifications before the next pass ask for that one pass.</summary>
    private readonly Channel<bool> _wakeUps = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>
    /// Waits until entries may have been committed since the last call, or the safety poll's interval has passed.
    /// A notification that arrives while the dispatcher is busy is kept for its next call, so none is missed.
    /// </summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (_wakeUps.Reader.TryRead(out _))
        {
            return;
        }

        using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        poll.CancelAfter(options.Value.SafetyPollInterval);
        try
        {
            await _wakeUps.Reader.ReadAsync(poll.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retryDelay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => _wakeUps.Writer.TryWrite(true);
                await using (var listen = new NpgsqlCommand($"LISTEN {PushOutboxEntry.NotificationChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Entries committed while nobody listened are found by the pass this asks for.
                _wakeUps.Writer.TryWrite(true);
                retryDelay = TimeSpan.FromMilliseconds(250);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or System.IO.IOException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                LogConnectionLost(retryDelay, e.Message);
                await Task.Delay(retryDelay, time, stoppingToken);
                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Lost the connection that listens for new push-outbox entries; reconnecting in {Delay} ({Problem})")]
    private partial void LogConnectionLost(TimeSpan delay, string problem);
}
