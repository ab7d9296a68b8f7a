using Chat.Messaging.Errors;
using Chat.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Realtime.Hubs;

/// <summary>
/// Refuses a hub call over its user's budget with <c>rate_limited</c> before it costs anything: that call only,
/// the connection stays open.
/// </summary>
public sealed class BudgetFilter(HubBudgets budgets) : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (HubBudgets.KindOf(invocationContext.HubMethodName) is { } kind
            && budgets.TryTake(invocationContext.Context.User!.GetUserId(), kind) is { } retryAfter)
        {
            throw ChatErrors.RateLimited(retryAfter).ToHubException();
        }

        return next(invocationContext);
    }
}
