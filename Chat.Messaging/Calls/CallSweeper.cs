using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Calls;

/// <summary>
/// Runs on every realtime node. Each sweep claims the call deadlines that passed (one node gets each) and acts on
/// them: a ring timeout, a participant whose node stopped renewing it, a call message not yet written. So a call
/// ends on time whichever nodes die, as long as one is left. Apart from that, every third of the participant
/// timeout, it renews the deadlines of this node's devices in calls: on its own timer, so that a sweep held up
/// (writing a message to a slow PostgreSQL) does not let this node's devices lapse.
/// </summary>
public sealed partial class CallSweeper(
    CallRegistry registry, CallService calls, CallRecorder recorder, IOptions<CallOptions> options, TimeProvider time, ILogger<CallSweeper> logger)
    : BackgroundService
{
    private const int ClaimLimit = 100;

    /// <summary>A claimed entry comes due again after this if its node did not finish with it (it died, or failed).</summary>
    private static readonly TimeSpan ClaimFor = TimeSpan.FromSeconds(10);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(EveryAsync(options.Value.ParticipantTimeout / 3, calls.RenewLocalDevicesAsync, stoppingToken),
            EveryAsync(options.Value.SweepInterval, SweepAsync, stoppingToken));

    private async Task EveryAsync(TimeSpan interval, Func<Task> work, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await work();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Redis or PostgreSQL may be away for a while; what a sweep claimed comes due again.
                LogFailed(e);
            }
        }
    }

    private async Task SweepAsync()
    {
        foreach (var entry in await registry.ClaimDueAsync(ClaimLimit, ClaimFor))
        {
            await HandleAsync(entry);
        }
    }

    /// <summary>An entry is "ring:{call}", "p:{call}:{device}" or "record:{call}" (<see cref="CallScripts"/>).</summary>
    private Task HandleAsync(string entry)
    {
        var parts = entry.Split(':');
        return parts switch
        {
            ["ring", var call] when Guid.TryParse(call, out var callId) => calls.RingTimedOutAsync(callId),
            ["p", var call, var device] when Guid.TryParse(call, out var callId) && Guid.TryParse(device, out var deviceId) => calls.LostAsync(callId, deviceId),
            ["record", var call] when Guid.TryParse(call, out var callId) => recorder.RecordAsync(callId),
            _ => Task.CompletedTask,
        };
    }

    [LoggerMessage(1, LogLevel.Warning, "A call sweep or renewal failed; it runs again")]
    private partial void LogFailed(Exception exception);
}
