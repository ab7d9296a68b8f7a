using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Data.Messaging;

/// <summary>
/// A committed event on its way to every realtime node. Each node delivers it to its own connections of the
/// recipients, in seq order; the trace context travels along so one trace spans sender and receiving node.
/// </summary>
/// <param name="PredecessorSentAt">
/// When the conversation's previous event was sent, where the publisher knows it: a node that holds no position
/// for the conversation (idle there for a while, or the node just started) can tell a long-settled predecessor
/// from one still on its way, and need not wait for it.
/// </param>
public sealed record FanoutEnvelope(MessageEvent Event, IReadOnlyList<Guid> Recipients, string? TraceParent, DateTimeOffset? PredecessorSentAt = null);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FanoutEnvelope[]))]
internal sealed partial class FanoutJsonContext : JsonSerializerContext;

/// <summary>
/// Publishes committed events on one Redis channel that every realtime node subscribes to. The events committed
/// while a publication is on its way go together in the next one, so under load one publication (one Redis
/// command, one read on each node) carries many events, as group commit does for the writes. Nobody waits for a
/// publication: a sender's acknowledgement means its message is durable, and an event whose publication is lost
/// (Redis down, the process gone) leaves a seq gap that the nodes fill from PostgreSQL.
/// </summary>
public sealed partial class MessageFanout : IAsyncDisposable
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("chat:messages");

    /// <summary>At most this many events share a publication.</summary>
    public const int MaxBatch = 256;

    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger<MessageFanout> _logger;
    private readonly Channel<FanoutEnvelope> _queue = System.Threading.Channels.Channel.CreateUnbounded<FanoutEnvelope>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _loop;

    public MessageFanout(IConnectionMultiplexer redis, ILogger<MessageFanout> logger)
    {
        _redis = redis;
        _logger = logger;
        _loop = new(() => BatchLoop.Start(_queue.Reader, MaxBatch, PublishBatchAsync));
    }

    /// <summary>Queues a committed event for the next publication; events queued in seq order are published in it.</summary>
    public void Publish(FanoutEnvelope envelope)
    {
        if (!_queue.Writer.TryWrite(envelope))
        {
            throw new ObjectDisposedException(nameof(MessageFanout));
        }

        _ = _loop.Value;
    }

    public static IReadOnlyList<FanoutEnvelope> Read(RedisValue value) =>
        JsonSerializer.Deserialize((byte[])value!, FanoutJsonContext.Default.FanoutEnvelopeArray)
        ?? throw new JsonException("Empty fan-out publication.");

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop.IsValueCreated)
        {
            await _loop.Value;
        }
    }

    private async Task PublishBatchAsync(List<FanoutEnvelope> batch)
    {
        try
        {
            var publication = JsonSerializer.SerializeToUtf8Bytes(batch.ToArray(), FanoutJsonContext.Default.FanoutEnvelopeArray);
            await _redis.GetSubscriber().PublishAsync(Channel, publication);
        }
        catch (Exception e)
        {
            LogPublicationFailed(e, batch.Count);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "A fan-out publication of {Count} committed events failed; the nodes will read them back from PostgreSQL")]
    private partial void LogPublicationFailed(Exception exception, int count);
}
