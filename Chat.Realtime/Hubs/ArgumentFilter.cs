using Chat.Messaging.Errors;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Realtime.Hubs;

/// <summary>
/// Refuses a call whose argument did not bind, or is missing, with <c>invalid_argument</c> before the hub method
/// runs: otherwise SignalR answers with a generic error that names nothing.
/// </summary>
public sealed class ArgumentFilter : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        foreach (var argument in invocationContext.HubMethodArguments)
        {
            var refused = argument switch
            {
                UnboundArgument { Member: { } member } unbound => ChatErrors.Invalid(member, $"{member} {unbound.Problem}."),
                UnboundArgument unbound => ChatErrors.Invalid("argument", $"the argument of {invocationContext.HubMethodName} {unbound.Problem}."),
                null => ChatErrors.Invalid("argument", $"{invocationContext.HubMethodName} needs its argument object (docs/protocol.md)."),
                _ => null,
            };
            if (refused is not null)
            {
                throw refused.ToHubException();
            }
        }

        return next(invocationContext);
    }
}
