namespace Chat.Messaging.Calls;

/// <summary>
/// StartCall's argument. <see cref="CallId"/> is the caller's choice (a retry with the same id is the same call) or
/// the server's; <see cref="Participants"/> names whom a group call rings (every other member when left out).
/// </summary>
public sealed record StartCallRequest(Guid ConversationId, Guid? CallId = null, string? Media = null, IReadOnlyList<Guid>? Participants = null);

/// <summary>AcceptCall's, RejectCall's, CancelCall's and HangUp's argument.</summary>
public sealed record CallRequest(Guid CallId);

/// <summary>
/// SendCallSignal's argument: an SDP offer or answer or an ICE candidate (<see cref="Data"/>, opaque to the server)
/// for one device in the call; <see cref="ToDeviceId"/> may be left out while the call has just one other device.
/// </summary>
public sealed record CallSignalRequest(Guid CallId, Guid? ToDeviceId, string? Type, string? Data);

public sealed record CallParticipant(Guid UserId, Guid DeviceId);

/// <summary>A call as it stands: what every <c>call</c> event and every call method's answer carries.</summary>
public sealed record CallView(
    Guid CallId,
    Guid ConversationId,
    Guid CallerId,
    Guid CallerDeviceId,
    string Media,
    string State,
    IReadOnlyList<Guid> Invitees,
    IReadOnlyList<CallParticipant> Participants,
    IReadOnlyList<Guid> Declined,
    DateTimeOffset StartedAt,
    DateTimeOffset RingUntil,
    DateTimeOffset? AnsweredAt,
    DateTimeOffset? EndedAt,
    string? Outcome,
    int? DurationSeconds);

/// <summary>
/// The <c>call</c> event: what happened (<see cref="CallEventTypes"/>), to which call, and who did it
/// (<see cref="UserId"/>, <see cref="DeviceId"/>) for joined, declined and left.
/// </summary>
public sealed record CallEvent(string Type, CallView Call, Guid? UserId = null, Guid? DeviceId = null);

/// <summary>The <c>callSignal</c> event: a signal relayed from one device in the call to another.</summary>
public sealed record CallSignalEvent(Guid CallId, Guid FromUserId, Guid FromDeviceId, string Type, string Data);

/// <summary>The content of a message of kind <c>call</c>, written once when a call ends.</summary>
public sealed record CallRecord(Guid CallId, string Outcome, string Media, int? DurationSeconds, IReadOnlyList<Guid> Participants);

public static class CallEventTypes
{
    public const string Ringing = "ringing";
    public const string Joined = "joined";
    public const string Declined = "declined";
    public const string Left = "left";
    public const string Unanswered = "unanswered";
    public const string Ended = "ended";

    /// <summary>Sent to a connection as it opens, for each live call of its user: rings a device woken by a push.</summary>
    public const string State = "state";
}

public static class CallStates
{
    public const string Ringing = "ringing";
    public const string Active = "active";
    public const string Ended = "ended";
}

public static class CallOutcomes
{
    public const string Completed = "completed";
    public const string Missed = "missed";
    public const string Rejected = "rejected";
    public const string Cancelled = "cancelled";
    public const string Busy = "busy";
}

public static class CallMedia
{
    public const string Audio = "audio";
    public const string Video = "video";
}

public static class CallSignalTypes
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { "offer", "answer", "candidate" };
}
