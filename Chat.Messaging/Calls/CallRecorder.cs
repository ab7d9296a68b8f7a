using System.Text.Json;
using Chat.Data.Conversations;
using Chat.Messaging.Messages;
using Microsoft.Extensions.Logging;

namespace Chat.Messaging.Calls;

/// <summary>
/// Writes an ended call's one message of kind <c>call</c> into its conversation, as its caller, so that history
/// and Sync show it. Its clientMessageId is derived from the call id (a prefix clients may not use), so that the
/// node that ended the call and a sweep that finds the message unwritten store it once between them.
/// </summary>
public sealed partial class CallRecorder(CallRegistry registry, MessageSender sender, ILogger<CallRecorder> logger)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async Task RecordAsync(Guid callId)
    {
        try
        {
            if (await registry.ReadAsync(callId) is not { State: CallStates.Ended } call)
            {
                // Forgotten an hour after it ended: there is nothing left to write from.
                await registry.RecordedAsync(callId);
                return;
            }

            var record = new CallRecord(callId, call.Outcome!, call.Media, call.DurationSeconds, await registry.JoinedAsync(callId));
            var result = await sender.SendAsync(new NewMessage(call.ConversationId, call.CallerId, call.CallerDeviceId,
                MessageRules.CallRecordPrefix + callId.ToString("N"), MessageKind.Call, JsonSerializer.Serialize(record, JsonSerializerOptions.Web)),
                CancellationToken.None);
            if (result.Error is { } refused)
            {
                // The caller left the conversation during the call: it has no one to write as.
                LogNotRecorded(callId, refused.Code);
            }

            await registry.RecordedAsync(callId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRetrying(e, callId);
            await registry.RecordLaterAsync(callId, RetryAfter);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "The message of call {CallId} was not written: {Code}")]
    private partial void LogNotRecorded(Guid callId, string code);

    [LoggerMessage(2, LogLevel.Warning, "Writing the message of call {CallId} failed; a sweep tries again")]
    private partial void LogRetrying(Exception exception, Guid callId);
}
