using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Chat.Messaging.Messages;

/// <summary>
/// The one path of a message into the system, for the hub and the REST API alike: check it and commit it. The
/// acknowledgement a caller gets means the message is durable; the store hands it to the fan-out after the commit
/// (so nothing uncommitted is ever delivered) without the caller waiting for the publication.
/// </summary>
public sealed class MessageSender
{
    private readonly MessageStore _store;
    private readonly Counter<long> _accepted;
    private readonly Histogram<double> _ackLatency;

    public MessageSender(MessageStore store, IMeterFactory meters)
    {
        _store = store;
        var meter = meters.Create(MessagingTelemetry.Name);
        _accepted = meter.CreateCounter<long>("chat.messages.accepted", "{message}", "Messages, edits and deletes committed to PostgreSQL.");
        _ackLatency = meter.CreateHistogram<double>("chat.messages.ack_latency", "ms",
            "From a send's arrival to its acknowledgement: the checks and the commit, group commit's wait included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] });
    }

    public async Task<SendResult> SendAsync(NewMessage message, CancellationToken cancellationToken)
    {
        if (MessageRules.Check(message) is { } refused)
        {
            return SendResult.Failed(refused);
        }

        using var activity = MessagingTelemetry.Source.StartActivity($"send {message.Kind.WireName()} message", ActivityKind.Producer);
        activity?.SetTag("chat.conversation_id", message.ConversationId);
        var arrived = Stopwatch.GetTimestamp();
        var result = await _store.AppendAsync(message, cancellationToken);
        if (result is { Event: { } stored, Duplicate: false })
        {
            _ackLatency.Record(Stopwatch.GetElapsedTime(arrived).TotalMilliseconds);
            activity?.SetTag("chat.message_id", stored.MessageId);
            activity?.SetTag("chat.seq", stored.Seq);
            _accepted.Add(1, new KeyValuePair<string, object?>("chat.message.kind", stored.Kind));
        }

        return result;
    }
}
