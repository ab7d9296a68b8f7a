using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Calls;

/// <summary>
/// Runs on every realtime node. Each sweep claims the call deadlines that passed (one node gets each) and acts on
/// them: a ring timeout, a participant whose node stopped renewing it, a call message not yet written. So a call
/// ends on time whichever nodes die, as long as one is left. Every third of the participant timeout it renews the
/// deadlines of this node's devices in calls.
/// </summary>
public sealed partial class CallSweeper(
    CallRegistry registry, CallService calls, CallRecorder recorder, LocalCallDevices localDevices, IOptions<CallOptions> options,
    TimeProvider time, ILogger<CallSweeper> logger) : BackgroundService
{
    private const int ClaimLimit = 100;

    /// <summary>A claimed entry comes due again after this if its node did not finish with it (it died, or failed).</summary>
    private static readonly TimeSpan ClaimFor = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var renewEvery = options.Value.ParticipantTimeout / 3;
        var renewedAt = time.GetTimestamp();
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (time.GetElapsedTime(renewedAt) >= renewEvery)
                {
                    renewedAt = time.GetTimestamp();
                    await RenewLocalDevicesAsync();
                }

                foreach (var entry in await registry.ClaimDueAsync(ClaimLimit, ClaimFor))
                {
                    await HandleAsync(entry);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Redis may be away for a while; what was claimed comes due again.
                LogSweepFailed(e);
            }
        }
    }

    private async Task RenewLocalDevicesAsync()
    {
        foreach (var (callId, deviceId) in localDevices.All())
        {
            if (!await registry.RenewAsync(callId, deviceId))
            {
                localDevices.Remove(callId, deviceId);
            }
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

    [LoggerMessage(1, LogLevel.Warning, "A call sweep failed; what it claimed comes due again")]
    private partial void LogSweepFailed(Exception exception);
}
