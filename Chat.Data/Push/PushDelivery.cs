namespace Chat.Data.Push;

/// <summary>One push sent for one outbox entry to one device; its key is what keeps a retry from sending twice.</summary>
public sealed class PushDelivery
{
    public long OutboxId { get; init; }
    public Guid DeviceId { get; init; }
    public DateTimeOffset SentAt { get; init; }
}
