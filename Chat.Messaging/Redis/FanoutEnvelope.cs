using System.Text.Json.Serialization;
using Chat.Messaging.Messages;

namespace Chat.Messaging.Redis;

/// <summary>
/// A committed event on its way to the realtime nodes of its recipients. Each node delivers it to its own
/// connections of the recipients, in seq order; the trace context travels along so one trace spans sender and receiving node.
/// </summary>
/// <param name="PredecessorSentAt">
/// When the conversation's previous event was sent, where the publisher knows it: a node that holds no position
/// for the conversation (idle there for a while, or the node just started) can tell a long-settled predecessor
/// from one still on its way, and need not wait for it.
/// </param>
public sealed record FanoutEnvelope(MessageEvent Event, IReadOnlyList<Guid> Recipients, string? TraceParent, DateTimeOffset? PredecessorSentAt = null)
{
    /// <summary>
    /// Whether the sending device has this event already, as the answer to its call (a text or attachment message,
    /// an edit or a delete): no node writes it to that device. A membership change is answered with no event, and a
    /// call's message is written by the server as its caller, so their sending device gets the event too.
    /// </summary>
    [JsonIgnore]
    public bool AnsweredToSender => Event.Kind is "text" or "edit" or "delete" or "attachment";
}
