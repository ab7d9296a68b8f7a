using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;

namespace Chat.Data.Messaging;

/// <summary>
/// The one path of a message into the system, for the hub and the REST API alike: check it and commit it. The
/// acknowledgement a caller gets means the message is durable; the store publishes it to the realtime nodes after
/// the commit (so nothing uncommitted is ever delivered) without the caller waiting for that.
/// </summary>
public sealed class MessageSender
{
    public const string TelemetryName = "Chat.Messaging";
    internal static readonly ActivitySource Source = new(TelemetryName);

    private readonly MessageStore _store;
    private readonly Counter<long> _accepted;

    public MessageSender(MessageStore store, IMeterFactory meters)
    {
        _store = store;
        _accepted = meters.Create(TelemetryName).CreateCounter<long>("chat.messages.accepted", "{message}",
            "Messages, edits and deletes committed to PostgreSQL.");
    }

    public async Task<MessageStoreResult> SendAsync(NewMessage message, CancellationToken cancellationToken)
    {
        if (Validate(message) is var invalid and not MessageStoreError.None)
        {
            return MessageStoreResult.Failed(invalid);
        }

        using var activity = Source.StartActivity($"send {message.Kind} message", ActivityKind.Producer);
        activity?.SetTag("chat.conversation_id", message.ConversationId);
        var result = await _store.AppendAsync(message, cancellationToken);
        if (result is { Event: { } stored, Duplicate: false })
        {
            activity?.SetTag("chat.seq", stored.Seq);
            _accepted.Add(1, new KeyValuePair<string, object?>("chat.message.kind", stored.Kind));
        }

        return result;
    }

    private static MessageStoreError Validate(NewMessage message)
    {
        if (string.IsNullOrWhiteSpace(message.ClientMessageId) || message.ClientMessageId.Length > MessageStore.MaxClientMessageIdLength)
        {
            return MessageStoreError.ClientMessageIdInvalid;
        }

        if (message.Kind != MessageKinds.Delete && string.IsNullOrEmpty(message.Content))
        {
            return MessageStoreError.ContentRequired;
        }

        return message.Content is not null && Encoding.UTF8.GetByteCount(message.Content) > MessageStore.MaxContentBytes
            ? MessageStoreError.ContentTooLarge
            : MessageStoreError.None;
    }
}
