using System.Text;
using Chat.Data.Conversations;
using Chat.Data.Push;
using Chat.Messaging.Conversations;
using Chat.Messaging.Errors;
using Chat.Messaging.Fanout;
using Chat.Messaging.Messages;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Chat.Messaging.Calls;

/// <summary>
/// The calls domain for the hub: checks a call method's arguments and the caller's right to it, runs its
/// transition (<see cref="CallRegistry"/>), and tells whom it concerns with a <c>call</c> event on the user-event
/// fan-out, wherever their devices are connected. A call that ends gets its message (<see cref="CallRecorder"/>).
/// Signals go to one device only. docs/protocol.md describes the methods and the state machine.
/// </summary>
public sealed class CallService(
    CallRegistry registry,
    CallRecorder recorder,
    LocalCallDevices localDevices,
    UserEventFanout userEvents,
    NpgsqlDataSource dataSource,
    IOptions<CallOptions> options)
{
    private static readonly string MembersSql = $"""
        SELECT c.kind, m.user_id FROM conversations c
        JOIN conversation_members m ON m.conversation_id = c.id AND {Membership.CurrentSql("m")}
        WHERE c.id = @conversation
        """;

    /// <summary>Queued only when some invitee has a device that a push reaches.</summary>
    private static readonly string PushSql = $"""
        INSERT INTO push_outbox (kind, conversation_id, user_id, call_id, recipients, created_at)
        SELECT {(int)PushKind.Call}, @conversation, @caller, @call, @recipients, now()
        WHERE EXISTS (SELECT 1 FROM devices d WHERE d.user_id = ANY(@recipients) AND d.revoked_at IS NULL AND d.push_token IS NOT NULL)
        ON CONFLICT (call_id) WHERE call_id IS NOT NULL DO NOTHING
        """;

    public async Task<Outcome<CallView>> StartAsync(Guid userId, Guid deviceId, StartCallRequest request, CancellationToken cancellationToken)
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

        var (kind, members) = await MembersAsync(request.ConversationId, cancellationToken);
        if (!members.Contains(userId))
        {
            return ChatErrors.NotMember;
        }

        var others = members.Where(m => m != userId).ToList();
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
        var started = await registry.StartAsync(callId, request.ConversationId, userId, deviceId, media, invitees, kind == ConversationKind.Direct);
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
                await userEvents.PublishAsync(ChatEvents.Call, new CallEvent(CallEventTypes.Ended, started.Call!), [userId]);
                await recorder.RecordAsync(callId);
                return started.Call!;
            case "started":
                localDevices.Add(callId, deviceId);
                await PublishAsync(new CallEvent(CallEventTypes.Ringing, started.Call!));
                await QueuePushAsync(started.Call!, cancellationToken);
                return started.Call!;
            default:
                return started.Call!;
        }
    }

    /// <summary>Joins the call from this device: answers it while ringing, or joins a group call in progress.</summary>
    public async Task<Outcome<CallView>> AcceptAsync(Guid userId, Guid deviceId, CallRequest request, CancellationToken cancellationToken)
    {
        if (await registry.ConversationOfAsync(request.CallId) is not { } conversationId)
        {
            return ChatErrors.CallNotFound;
        }

        var (_, members) = await MembersAsync(conversationId, cancellationToken);
        if (!members.Contains(userId))
        {
            return ChatErrors.NotMember;
        }

        var joined = await registry.JoinAsync(request.CallId, userId, deviceId);
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
                localDevices.Add(request.CallId, deviceId);
                await PublishAsync(new CallEvent(CallEventTypes.Joined, joined.Call!, userId, deviceId));
                return joined.Call!;
            default:
                localDevices.Add(request.CallId, deviceId);
                return joined.Call!;
        }
    }

    /// <summary>Declines a call ringing for this user, on all of their devices.</summary>
    public async Task<Outcome<CallView>> RejectAsync(Guid userId, CallRequest request)
    {
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
    public Task<Outcome<CallView>> CancelAsync(Guid userId, Guid deviceId, CallRequest request) => LeaveAsync(userId, deviceId, request.CallId, "cancel");

    /// <summary>This device leaves the call; a call left with fewer than two devices ends.</summary>
    public Task<Outcome<CallView>> HangUpAsync(Guid userId, Guid deviceId, CallRequest request) => LeaveAsync(userId, deviceId, request.CallId, "hangup");

    /// <summary>A participant device's node stopped renewing it: it leaves, as if it had hung up.</summary>
    public async Task LostAsync(Guid callId, Guid deviceId)
    {
        var left = await registry.LeaveAsync(callId, deviceId, "lost");
        await AnnounceLeaveAsync(left, deviceId);
    }

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
    public async Task<ChatError?> SignalAsync(Guid userId, Guid deviceId, CallSignalRequest request)
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

        if (await registry.ReadAsync(request.CallId) is not { } call)
        {
            return ChatErrors.CallNotFound;
        }

        if (call.State == CallStates.Ended)
        {
            return ChatErrors.CallEnded(call.Outcome);
        }

        if (!call.Participants.Contains(new CallParticipant(userId, deviceId)))
        {
            return ChatErrors.NotInCall;
        }

        var others = call.Participants.Where(p => p.DeviceId != deviceId).ToList();
        var to = request.ToDeviceId is { } target ? others.FirstOrDefault(p => p.DeviceId == target)
            : others.Count == 1 ? others[0]
            : null;
        if (to is null)
        {
            return request.ToDeviceId is { } missing ? ChatErrors.PeerNotInCall(missing)
                : ChatErrors.Invalid("toDeviceId", "toDeviceId is required while the call has more than one other device (or none yet).");
        }

        await userEvents.PublishAsync(ChatEvents.CallSignal, new CallSignalEvent(request.CallId, userId, deviceId, request.Type, request.Data),
            [to.UserId], device: to.DeviceId);
        return null;
    }

    /// <summary>
    /// The live calls of a device's user, as <c>state</c> events for a connection that just opened: an invitee's
    /// device rings, and a device that was in a call and reconnected here is kept in it from now on.
    /// </summary>
    public async Task<IReadOnlyList<CallEvent>> ConnectedAsync(Guid userId, Guid deviceId)
    {
        var calls = await registry.LiveCallsOfAsync(userId);
        foreach (var call in calls.Where(c => c.Participants.Any(p => p.DeviceId == deviceId)))
        {
            if (await registry.RenewAsync(call.CallId, deviceId))
            {
                localDevices.Add(call.CallId, deviceId);
            }
        }

        return calls.Select(c => new CallEvent(CallEventTypes.State, c)).ToList();
    }

    private async Task<Outcome<CallView>> LeaveAsync(Guid userId, Guid deviceId, Guid callId, string reason)
    {
        var left = await registry.LeaveAsync(callId, deviceId, reason);
        return left.Status switch
        {
            "not_found" => ChatErrors.CallNotFound,
            "not_in_call" => ChatErrors.NotInCall,
            "not_ringing" => ChatErrors.CallNotRinging,
            _ => await AnnounceLeaveAsync(left, deviceId, userId),
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

    /// <summary>Whom a call's events concern: its caller, its invitees and whoever is in it.</summary>
    private Task PublishAsync(CallEvent callEvent)
    {
        var call = callEvent.Call;
        var users = call.Invitees.Append(call.CallerId).Concat(call.Participants.Select(p => p.UserId));
        if (callEvent.UserId is { } actor)
        {
            users = users.Append(actor);
        }

        return userEvents.PublishAsync(ChatEvents.Call, callEvent, users.Distinct().ToList());
    }

    private async Task QueuePushAsync(CallView call, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PushSql);
        command.Parameters.AddWithValue("conversation", call.ConversationId);
        command.Parameters.AddWithValue("caller", call.CallerId);
        command.Parameters.AddWithValue("call", call.CallId);
        command.Parameters.AddWithValue("recipients", call.Invitees.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<(ConversationKind Kind, List<Guid> Members)> MembersAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(MembersSql);
        command.Parameters.AddWithValue("conversation", conversationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var kind = ConversationKind.Group;
        var members = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            kind = (ConversationKind)reader.GetInt32(0);
            members.Add(reader.GetGuid(1));
        }

        return (kind, members);
    }
}
