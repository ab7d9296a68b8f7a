using Chat.Messaging.Errors;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Realtime.Hubs;

/// <summary>
/// SignalR passes a HubException's message to the caller as the invocation's error: "code: message", from the
/// domain's error table (<see cref="ChatErrors"/>), so clients can switch on the code.
/// </summary>
public static class HubErrors
{
    public static HubException ToHubException(this ChatError error) => new(error.ToHubError());

    /// <summary>The text of an invocation's error or of a close message.</summary>
    public static string ToHubError(this ChatError error) => $"{error.Code}: {error.Message}";

    /// <summary>The value of a domain call, or its refusal thrown as the call's error.</summary>
    public static T OrThrow<T>(this Outcome<T> outcome) => outcome.Error is { } error ? throw error.ToHubException() : outcome.Value;
}
