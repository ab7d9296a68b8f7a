using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using StackExchange.Redis;

namespace Chat.Data.Messaging;

/// <summary>
/// A committed event on its way to every realtime node. Each node delivers it to its own connections of the
/// recipients, in seq order; the trace context travels along so one trace spans sender and receiving node.
/// </summary>
public sealed record FanoutEnvelope(MessageEvent Event, IReadOnlyList<Guid> Recipients, string? TraceParent);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FanoutEnvelope[]))]
internal sealed partial class FanoutJsonContext : JsonSerializerContext;

/// <summary>
/// Publishes committed events on one Redis channel that every realtime node subscribes to. The events committed
/// while a publication is on its way go together in the next one, so under load one publication (one Redis
/// command, one read on each node) carries many events, as group commit does for the writes.
/// </summary>
public sealed class MessageFanout : IAsyncDisposable
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("chat:messages");

    /// <summary>At most this many events share a publication.</summary>
    public const int MaxBatch = 256;

    private sealed record Outgoing(FanoutEnvelope Envelope, TaskCompletionSource Published);

    private readonly IConnectionMultiplexer _redis;
    private readonly Channel<Outgoing> _queue = System.Threading.Channels.Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _loop;

    public MessageFanout(IConnectionMultiplexer redis)
    {
        _redis = redis;
        _loop = new(() => BatchLoop.Start(_queue.Reader, MaxBatch, PublishBatchAsync));
    }

    /// <summary>Completes once the event is published (with the others of its publication).</summary>
    public Task PublishAsync(MessageEvent message, IReadOnlyList<Guid> recipients)
    {
        var outgoing = new Outgoing(new FanoutEnvelope(message, recipients, Activity.Current?.Id),
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(outgoing))
        {
            throw new ObjectDisposedException(nameof(MessageFanout));
        }

        _ = _loop.Value;
        return outgoing.Published.Task;
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

    private async Task PublishBatchAsync(List<Outgoing> batch)
    {
        try
        {
            var publication = JsonSerializer.SerializeToUtf8Bytes(batch.Select(o => o.Envelope).ToArray(), FanoutJsonContext.Default.FanoutEnvelopeArray);
            await _redis.GetSubscriber().PublishAsync(Channel, publication);
            batch.ForEach(o => o.Published.TrySetResult());
        }
        catch (Exception e)
        {
            // Committed events are not lost with a publication: nodes read a gap back from PostgreSQL.
            batch.ForEach(o => o.Published.TrySetException(e));
        }
    }
}
