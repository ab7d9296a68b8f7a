using Chat.Messaging.Calls;
using Chat.Tests.Infrastructure;
using Chat.Tests.Messages;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Calls;

/// <summary>The hub's call methods as a client calls them, and what a test waits for.</summary>
public static class CallMethods
{
    public static Task<CallView> StartCallAsync(this ChatClient client, Guid conversationId, string media = "audio", IEnumerable<Guid>? participants = null, Guid? callId = null) =>
        client.Connection.InvokeAsync<CallView>("StartCall", new { conversationId, callId, media, participants }, TestContext.Current.CancellationToken);

    public static Task<CallView> AcceptCallAsync(this ChatClient client, Guid callId) => Invoke(client, "AcceptCall", callId);

    public static Task<CallView> RejectCallAsync(this ChatClient client, Guid callId) => Invoke(client, "RejectCall", callId);

    public static Task<CallView> CancelCallAsync(this ChatClient client, Guid callId) => Invoke(client, "CancelCall", callId);

    public static Task<CallView> HangUpAsync(this ChatClient client, Guid callId) => Invoke(client, "HangUp", callId);

    public static Task SignalAsync(this ChatClient client, Guid callId, string type, string data, Guid? toDeviceId = null) =>
        client.Connection.InvokeAsync("SendCallSignal", new { callId, toDeviceId, type, data }, TestContext.Current.CancellationToken);

    /// <summary>The code of the error a call is refused with ("code: message").</summary>
    public static async Task<string> RefusedAsync(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<HubException>(call);
        return error.Message.Split(':')[0].Split(' ')[^1];
    }

    public static Task WaitForCallEventAsync(this ChatClient client, Guid callId, string type, TimeSpan? timeout = null) =>
        client.WaitUntilAsync(c => c.Calls.Any(e => e.Call.CallId == callId && e.Type == type), timeout);

    public static CallEvent CallEvent(this ChatClient client, Guid callId, string type) => client.Calls.Last(e => e.Call.CallId == callId && e.Type == type);

    /// <summary>The call messages of a conversation, from Sync: what history shows.</summary>
    public static async Task<List<(MessageEvent Message, CallRecord Record)>> CallMessagesAsync(this ChatClient client, Guid conversationId)
    {
        var page = await client.SyncAsync([(conversationId, 0)], limit: 200);
        return page.Messages.Where(m => m.Kind == "call")
            .Select(m => (m, System.Text.Json.JsonSerializer.Deserialize<CallRecord>(m.Content!, System.Text.Json.JsonSerializerOptions.Web)!))
            .ToList();
    }

    /// <summary>Waits for the call's one message; a second one would fail the test.</summary>
    public static async Task<CallRecord> CallRecordAsync(this ChatClient client, Guid conversationId, Guid callId)
    {
        List<(MessageEvent Message, CallRecord Record)> found = [];
        await Eventually.HoldsAsync(async () => (found = await client.CallMessagesAsync(conversationId)).Any(r => r.Record.CallId == callId),
            TimeSpan.FromSeconds(20), () => $"no call message for {callId}");
        var record = Assert.Single(found, r => r.Record.CallId == callId);
        return record.Record;
    }

    private static Task<CallView> Invoke(ChatClient client, string method, Guid callId) =>
        client.Connection.InvokeAsync<CallView>(method, new { callId }, TestContext.Current.CancellationToken);
}
