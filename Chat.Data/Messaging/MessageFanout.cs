using System.Diagnostics;
using System.Text.Json;
using StackExchange.Redis;

namespace Chat.Data.Messaging;

/// <summary>
/// A committed event on its way to every realtime node. Each node delivers it to its own connections of the
/// recipients, in seq order; the trace context travels along so one trace spans sender and receiving node.
/// </summary>
public sealed record FanoutEnvelope(MessageEvent Event, IReadOnlyList<Guid> Recipients, string? TraceParent);

/// <summary>Publishes committed events on one Redis channel that every realtime node subscribes to.</summary>
public sealed class MessageFanout(IConnectionMultiplexer redis)
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("chat:messages");

    public Task PublishAsync(MessageEvent message, IReadOnlyList<Guid> recipients)
    {
        var envelope = new FanoutEnvelope(message, recipients, Activity.Current?.Id);
        return redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.SerializeToUtf8Bytes(envelope, JsonSerializerOptions.Web));
    }

    public static FanoutEnvelope Read(RedisValue value) =>
        JsonSerializer.Deserialize<FanoutEnvelope>((byte[])value!, JsonSerializerOptions.Web)
        ?? throw new JsonException("Empty fan-out envelope.");
}
