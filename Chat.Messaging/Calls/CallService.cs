using System.Text;
using Chat.Data.Conversations;
using Chat.Data.Push;
using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Chat.Messaging.Fanout;
using Chat.Messaging.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Chat.Messaging.Calls;

/// <summary>The device calling a call method, and the connection it calls through.</summary>
public sealed record CallDevice(Guid UserId, Guid DeviceId, string ConnectionId);

/// <summary>
/// The calls domain for the hub: checks a call method's arguments and the caller's right to it (a current member
/// of the call's conversation, <see cref="CallMembers"/>), runs its transition (<see cref="CallRegistry"/>), and
/// tells the current members it concerns with a <c>call</c> event on the user-event fan-out, wherever their devices
/// are connected. A call that ends gets its message (<see cref="CallRecorder"/>). Signals go to one device only.
/// docs/protocol.md describes the methods and the state machine.
/// </summary>
public sealed partial class CallService(
    CallRegistry registry,
    CallRecorder recorder,
    CallMembers members,
    LocalCallDevices localDevices,
    UserEventFanout userEvents,
    NpgsqlDataSource dataSource,
    IOptions<CallOptions> options,
    ILogger<CallService> logger)
{
    /// <summary>Queued only when some invitee has a device that a push reaches; once per call.</summary>
    private static readonly string PushSql = $"""
        INSERT INTO push_outbox (kind, conversation_id, user_id, call_id, recipients, created_at, trace_parent)
        SELECT {(int)PushKind.Call}, @conversation, @caller, @call, @recipients, now(), @trace_parent
        WHERE EXISTS (SELECT 1 FROM devices d WHERE d.user_id = ANY(@recipients) AND d.revoked_at IS NULL AND d.push_token IS NOT NULL)
        ON CONFLICT (call_id) WHERE call_id IS NOT NULL DO NOTHING
        """;

    /// <summary>A call id whose call was forgotten but whose message stands: reusing it would leave no message.</summary>
    private const string RecordedSql = "SELECT EXISTS (SELECT 1 FROM messages WHERE sender_id = @caller AND client_message_id = @client_message_id)";

    public async Task<Outcome<CallView>> StartAsync(CallDevice device, StartCallRequest request, CancellationToken cancellationToken)
    {
        var media = request.Media ?? CallMedia.Audio;
        if (media is not (CallMedia.Audio or CallMedia.Video))
        {
            return ChatErrors.Invalid("media", "media is \"audio\" or \"video\".");
        }

        if (request.CallId == Guid.Empty)
        {
            return ChatErrors.Invalid("callId", "callId, when given, is a non-empty id.");
        }

        // Not across a block, nor while a message request is unanswered: a call would ring a stranger.
        if ((await Membership.LiveOthersAsync(dataSource, request.ConversationId, device.UserId, cancellationToken)).Error is { } cannotPost)
        {
            return cannotPost;
        }

        var (kind, current) = await members.OfAsync(request.ConversationId, cancellationToken);
        if (!current.Contains(device.UserId))
        {
            return ChatErrors.NotMember;
        }

        var others = current.Where(m => m != device.UserId).ToList();
        if (others.Count == 0)
        {
            return ChatErrors.Invalid("conversationId", "Nobody else is in this conversation to call.");
        }

        var invitees = request.Participants?.Distinct().ToList() ?? others;
        if (invitees.Count == 0 || invitees.Any(i => !others.Contains(i)) || (kind == ConversationKind.Direct && invitees.Count != others.Count))
        {
            return ChatErrors.Invalid("participants", "participants, when given, names other current members of the conversation (in a direct one, the other member).");
        }

        if (invitees.Count + 1 > options.Value.MaxParticipants)
        {
            return ChatErrors.Invalid("participants",
                $"A call takes at most {options.Value.MaxParticipants} participants, the caller included; name whom to ring with participants.");
        }

        var callId = request.CallId ?? Guid.CreateVersion7();
        if (request.CallId is not null && await registry.ConversationOfAsync(callId) is null && await RecordedAsync(device.UserId, callId, cancellationToken))
        {
            return ChatErrors.CallIdTaken;
        }

        var started = await registry.StartAsync(callId, request.ConversationId, device.UserId, device.DeviceId, media, invitees, kind == ConversationKind.Direct);
        switch (started.Status)
        {
            case "taken":
                return ChatErrors.CallIdTaken;
            case "in_call":
                return ChatErrors.AlreadyInCall;
            case "in_progress":
                return ChatErrors.CallInProgress(Guid.Parse(started.Detail!));
            case "busy":
                // The callee, in another call, is not disturbed; the message tells both of it.
                await userEvents.PublishAsync(ChatEvents.Call, new CallEvent(CallEventTypes.Ended, started.Call!), [device.UserId]);
                await recorder.RecordAsync(callId);
                return started.Call!;
            case "started":
                Keep(started.Call!, device);
                await PublishAsync(new CallEvent(CallEventTypes.Ringing, started.Call!));
                await QueuePushAsync(started.Call!);
                return started.Call!;
            default:
                // A retry: its push is queued if the first attempt could not (queuing is idempotent).
                if (started.Call!.State == CallStates.Ringing)
                {
                    await QueuePushAsync(started.Call);
                }

                return started.Call;
        }
    }

    /// <summary>
    /// Joins the call from this device: answers it while ringing, or joins a group call in progress. A device
    /// already in the call (say, after reconnecting to another node) is answered with the call and kept in it
    /// through this connection.
    /// </summary>
    public async Task<Outcome<CallView>> AcceptAsync(CallDevice device, CallRequest request, CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(device.UserId, request.CallId, cancellationToken) is { } refused)
        {
            return refused;
        }

        var joined = await registry.JoinAsync(request.CallId, device.UserId, device.DeviceId);
        switch (joined.Status)
        {
            case "not_found":
                return ChatErrors.CallNotFound;
            case "ended":
                return ChatErrors.CallEnded(joined.Call!.Outcome);
            case "answered_elsewhere":
                return ChatErrors.AnsweredElsewhere;
            case "full":
                return ChatErrors.CallFull(options.Value.MaxParticipants);
            case "in_call":
                return ChatErrors.AlreadyInCall;
            case "joined":
                Keep(joined.Call!, device);
                await PublishAsync(new CallEvent(CallEventTypes.Joined, joined.Call!, device.UserId, device.DeviceId));
                return joined.Call!;
            default:
                if (await registry.RenewAsync(request.CallId, device.DeviceId))
                {
                    Keep(joined.Call!, device);
                }

                return joined.Call!;
        }
    }

    /// <summary>Declines a call ringing for this user, on all of their devices.</summary>
    public async Task<Outcome<CallView>> RejectAsync(Guid userId, CallRequest request, CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(userId, request.CallId, cancellationToken) is { } refused)
        {
            return refused;
        }

        var declined = await registry.DeclineAsync(request.CallId, userId);
        switch (declined.Status)
        {
            case "not_found":
                return ChatErrors.CallNotFound;
            case "not_invited":
                return ChatErrors.NotInvited;
            case "answered_elsewhere":
                return ChatErrors.AnsweredElsewhere;
            case "declined":
                await PublishAsync(new CallEvent(CallEventTypes.Declined, declined.Call!, userId));
                return declined.Call!;
            case "finished":
                await EndedAsync(declined.Call!, userId);
                return declined.Call!;
            default:
                return declined.Call!;
        }
    }

    /// <summary>The caller's device stops a call that is still ringing.</summary>
    public Task<Outcome<CallView>> CancelAsync(CallDevice device, CallRequest request) => LeaveAsync(device, request.CallId, "cancel");

    /// <summary>This device leaves the call (always allowed, even after leaving the conversation); a call left with fewer than two devices ends.</summary>
    public Task<Outcome<CallView>> HangUpAsync(CallDevice device, CallRequest request) => LeaveAsync(device, request.CallId, "hangup");

    /// <summary>A participant device's node stopped renewing it: it leaves, as if it had hung up.</summary>
    public async Task LostAsync(Guid callId, Guid deviceId) => await AnnounceLeaveAsync(await registry.LeaveAsync(callId, deviceId, "lost"), deviceId);

    /// <summary>The device's user is no longer a member of the call's conversation: the device leaves the call.</summary>
    public async Task RemovedAsync(Guid callId, Guid deviceId) => await AnnounceLeaveAsync(await registry.LeaveAsync(callId, deviceId, "removed"), deviceId);

    /// <summary>The ring timeout passed: an unanswered call is missed; in an answered group call the rest stop ringing.</summary>
    public async Task RingTimedOutAsync(Guid callId)
    {
        var timedOut = await registry.RingTimedOutAsync(callId);
        if (timedOut.Status == "finished")
        {
            await EndedAsync(timedOut.Call!, null);
        }
        else if (timedOut.Status == "unanswered")
        {
            await PublishAsync(new CallEvent(CallEventTypes.Unanswered, timedOut.Call!));
        }
    }

    /// <summary>Relays an SDP offer or answer or an ICE candidate from this device to one other device in the call.</summary>
    public async Task<ChatError?> SignalAsync(CallDevice device, CallSignalRequest request, CancellationToken cancellationToken)
    {
        if (request.Type is null || !CallSignalTypes.All.Contains(request.Type))
        {
            return ChatErrors.Invalid("type", "type is \"offer\", \"answer\" or \"candidate\".");
        }

        if (string.IsNullOrEmpty(request.Data))
        {
            return ChatErrors.Invalid("data", "data is required: the SDP or the ICE candidate, as the client's WebRTC stack wrote it.");
        }

        if (Encoding.UTF8.GetByteCount(request.Data) > MessageRules.MaxContentBytes)
        {
            return ChatErrors.TooLarge("data", "A call signal's data");
        }

        if (await registry.ReadAsync(request.CallId) is not { } call || !(await members.OfAsync(call.ConversationId, cancellationToken)).Members.Contains(device.UserId))
        {
            return ChatErrors.CallNotFound;
        }

        if (!call.Participants.Contains(new CallParticipant(device.UserId, device.DeviceId)))
        {
            return ChatErrors.NotInCall;
        }

        if (call.State == CallStates.Ended)
        {
            return ChatErrors.CallEnded(call.Outcome);
        }

        var others = call.Participants.Where(p => p.DeviceId != device.DeviceId).ToList();
        var to = request.ToDeviceId is { } target ? others.FirstOrDefault(p => p.DeviceId == target)
            : others.Count == 1 ? others[0]
            : null;
        if (to is null)
        {
            return request.ToDeviceId is { } missing ? ChatErrors.PeerNotInCall(missing)
                : ChatErrors.Invalid("toDeviceId", "toDeviceId is required while the call has more than one other device (or none yet).");
        }

        await userEvents.PublishAsync(ChatEvents.CallSignal, new CallSignalEvent(request.CallId, device.UserId, device.DeviceId, request.Type, request.Data),
            [to.UserId], device: to.DeviceId);
        return null;
    }

    /// <summary>
    /// The live calls of a connection's user in conversations they are still in, as <c>state</c> events for the
    /// connection that just opened: an invitee's device rings. A device that was in a call resumes it with
    /// AcceptCall: a connection of the same device (another tab) does not take it over by opening.
    /// </summary>
    public async Task<IReadOnlyList<CallEvent>> ConnectedAsync(Guid userId)
    {
        var calls = await registry.LiveCallsOfAsync(userId);
        if (calls.Count == 0)
        {
            return [];
        }

        var current = await members.CurrentAsync(calls.Select(c => (c.ConversationId, userId)).Distinct().ToList());
        return calls.Where(c => current.Contains((c.ConversationId, userId))).Select(c => new CallEvent(CallEventTypes.State, c)).ToList();
    }

    /// <summary>Renews this node's devices in calls, and takes out those whose users left the call's conversation.</summary>
    public async Task RenewLocalDevicesAsync()
    {
        var devices = localDevices.All();
        var current = await members.CurrentAsync(devices.Select(d => (d.ConversationId, d.UserId)).Distinct().ToList());
        foreach (var device in devices)
        {
            if (!current.Contains((device.ConversationId, device.UserId)))
            {
                localDevices.Remove(device.CallId, device.DeviceId);
                await RemovedAsync(device.CallId, device.DeviceId);
            }
            else if (!await registry.RenewAsync(device.CallId, device.DeviceId))
            {
                localDevices.Remove(device.CallId, device.DeviceId);
            }
        }
    }

    /// <summary>Null when the user is a current member of the call's conversation; else why not, telling nothing of the call.</summary>
    private async Task<ChatError?> AuthorizeAsync(Guid userId, Guid callId, CancellationToken cancellationToken)
    {
        if (await registry.ConversationOfAsync(callId) is not { } conversationId)
        {
            return ChatErrors.CallNotFound;
        }

        return (await members.OfAsync(conversationId, cancellationToken)).Members.Contains(userId) ? null : ChatErrors.NotMember;
    }

    private async Task<Outcome<CallView>> LeaveAsync(CallDevice device, Guid callId, string reason)
    {
        var left = await registry.LeaveAsync(callId, device.DeviceId, reason);
        return left.Status switch
        {
            "not_found" => ChatErrors.CallNotFound,
            "not_in_call" => ChatErrors.NotInCall,
            "not_ringing" => ChatErrors.CallNotRinging,
            _ => await AnnounceLeaveAsync(left, device.DeviceId, device.UserId),
        };
    }

    private async Task<CallView> AnnounceLeaveAsync(CallTransition left, Guid deviceId, Guid? userId = null)
    {
        if (left.Status is "left" or "finished")
        {
            localDevices.Remove(left.Call!.CallId, deviceId);
        }

        var by = userId ?? (left.Detail is { } user ? Guid.Parse(user) : null);
        if (left.Status == "left")
        {
            await PublishAsync(new CallEvent(CallEventTypes.Left, left.Call!, by, deviceId));
        }
        else if (left.Status == "finished")
        {
            await EndedAsync(left.Call!, by, deviceId);
        }

        return left.Call!;
    }

    private async Task EndedAsync(CallView call, Guid? by, Guid? deviceId = null)
    {
        await PublishAsync(new CallEvent(CallEventTypes.Ended, call, by, deviceId));
        await recorder.RecordAsync(call.CallId);
    }

    private void Keep(CallView call, CallDevice device) =>
        localDevices.Add(new LocalCallDevice(call.CallId, call.ConversationId, device.UserId, device.DeviceId, device.ConnectionId));

    /// <summary>Whom a call's events concern: its caller, its invitees and whoever is in it, while members of its conversation.</summary>
    private async Task PublishAsync(CallEvent callEvent)
    {
        var call = callEvent.Call;
        var (_, current) = await members.OfAsync(call.ConversationId);
        var users = call.Invitees.Append(call.CallerId).Concat(call.Participants.Select(p => p.UserId));
        if (callEvent.UserId is { } actor)
        {
            users = users.Append(actor);
        }

        await userEvents.PublishAsync(ChatEvents.Call, callEvent, users.Distinct().Where(current.Contains).ToList());
    }

    /// <summary>Best effort: a failure leaves the call ringing for those online, and a retried StartCall queues it again.</summary>
    private async Task QueuePushAsync(CallView call)
    {
        try
        {
            await using var command = dataSource.CreateCommand(PushSql);
            command.Parameters.AddWithValue("conversation", call.ConversationId);
            command.Parameters.AddWithValue("caller", call.CallerId);
            command.Parameters.AddWithValue("call", call.CallId);
            command.Parameters.AddWithValue("recipients", call.Invitees.ToArray());
            command.Parameters.Add(MessagingTelemetry.TraceParentParameter());
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException e)
        {
            LogPushNotQueued(e, call.CallId);
        }
    }

    private async Task<bool> RecordedAsync(Guid callerId, Guid callId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RecordedSql);
        command.Parameters.AddWithValue("caller", callerId);
        command.Parameters.AddWithValue("client_message_id", MessageRules.CallRecordPrefix + callId.ToString("N"));
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    [LoggerMessage(1, LogLevel.Warning, "The push of call {CallId} could not be queued; those online still ring")]
    private partial void LogPushNotQueued(Exception exception, Guid callId);
}
