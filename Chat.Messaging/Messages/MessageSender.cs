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

    public MessageSender(MessageStore store, IMeterFactory meters)
    {
        _store = store;
        _accepted = meters.Create(MessagingTelemetry.Name).CreateCounter<long>("chat.messages.accepted", "{message}",
            "Messages, edits and deletes committed to PostgreSQL.");
    }

    public async Task<SendResult> SendAsync(NewMessage message, CancellationToken cancellationToken)
    {
        if (MessageRules.Check(message) is { } refused)
        {
            return SendResult.Failed(refused);
        }

        using var activity = MessagingTelemetry.Source.StartActivity($"send {message.Kind.WireName()} message", ActivityKind.Producer);
        activity?.SetTag("chat.conversation_id", message.ConversationId);
        var result = await _store.AppendAsync(message, cancellationToken);
        if (result is { Event: { } stored, Duplicate: false })
        {
            activity?.SetTag("chat.seq", stored.Seq);
            _accepted.Add(1, new KeyValuePair<string, object?>("chat.message.kind", stored.Kind));
        }

        return result;
    }
}
