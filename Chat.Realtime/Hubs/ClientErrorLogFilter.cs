using Chat.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Realtime.Hubs;

/// <summary>
/// The outermost hub filter: sorts what a call or a connect threw. A <see cref="HubException"/> is a documented
/// refusal of the client's own mistake: logged at Debug with its code and counted by code. A call cancelled because
/// its connection closed is not anyone's fault. Anything else is a server fault, logged at Error here, once: SignalR's
/// own Error records of the same exceptions are filtered out (<see cref="ClientErrorExtensions.AddClientErrors"/>),
/// because it logs a client's mistake and a server fault alike at Error.
/// </summary>
public sealed partial class ClientErrorLogFilter(ClientErrorMetrics metrics, ILogger<ClientErrorLogFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (Exception e) when (Sort(e, invocationContext.HubMethodName, invocationContext.Context))
        {
            throw;
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (Sort(e, nameof(Hub.OnConnectedAsync), context.Context))
        {
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        catch (Exception e) when (Sort(e, nameof(Hub.OnDisconnectedAsync), context.Context))
        {
            throw;
        }
    }

    /// <summary>Logs and counts; never catches (an exception filter, so the stack is not unwound first).</summary>
    private bool Sort(Exception exception, string method, HubCallerContext context)
    {
        switch (exception)
        {
            case HubException refusal:
                var code = ClientErrorMetrics.CodeOf(refusal.Message);
                metrics.Refused(ClientErrorMetrics.Hub, code);
                LogRefused(method, code, context.UserIdentifier, refusal.Message);
                break;
            case OperationCanceledException when context.ConnectionAborted.IsCancellationRequested:
                LogAbandoned(method, context.ConnectionId);
                break;
            default:
                LogFailed(exception, method, context.ConnectionId);
                break;
        }

        return false;
    }

    [LoggerMessage(1, LogLevel.Debug, "Refused {Method} ({Code}) for user {UserId}: {Error}")]
    private partial void LogRefused(string method, string code, string? userId, string error);

    [LoggerMessage(2, LogLevel.Debug, "{Method} stopped: connection {ConnectionId} closed while it ran")]
    private partial void LogAbandoned(string method, string connectionId);

    [LoggerMessage(3, LogLevel.Error, "{Method} failed on connection {ConnectionId}")]
    private partial void LogFailed(Exception exception, string method, string connectionId);
}
