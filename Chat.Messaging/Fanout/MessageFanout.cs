using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Chat.Messaging.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Messaging.Fanout;

/// <summary>
/// The publishing half of the message fan-out: each committed event goes to the realtime nodes its recipients are
/// connected to (<see cref="RecipientNodes"/>), on each node's own channel (<see cref="MessageSubscription"/>), so a
/// node reads only what it delivers. On a realtime node, the events it commits itself go to its own subscription
/// in process instead (<see cref="DeliverLocally"/>): a direct message sent here crosses Redis once, to the
/// recipient's node, and this node still sees every event it committed, so its sequence of each conversation has
/// no holes its own sends made. The events committed while a publication is on its way go together in the
/// next one, so under load one publication per node (one Redis command, one read on that node) carries many
/// events, as group commit does for the writes; a group's event is one publication per node, not per member. Nobody waits for a publication: a sender's acknowledgement means its
/// message is durable, and an event whose publication is lost (Redis down, the process gone) leaves a seq gap that
/// the nodes fill from PostgreSQL.
/// </summary>
public sealed partial class MessageFanout : IAsyncDisposable
{
    /// <summary>At most this many events share a publication.</summary>
    public const int MaxBatch = 256;

    private readonly IConnectionMultiplexer _redis;
    private readonly RecipientNodes _nodes;
    private readonly Counter<long> _published;
    private readonly ILogger<MessageFanout> _logger;
    private readonly Channel<FanoutEnvelope> _queue = Channel.CreateUnbounded<FanoutEnvelope>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _loop;
    private (string Node, Action<IReadOnlyList<FanoutEnvelope>> Deliver)? _local;

    public MessageFanout(IConnectionMultiplexer redis, RecipientNodes nodes, IMeterFactory meters, ILogger<MessageFanout> logger)
    {
        _redis = redis;
        _nodes = nodes;
        // With chat.fanout.events_received on the nodes: the share of all events each node is sent.
        _published = meters.Create(MessagingTelemetry.Name).CreateCounter<long>("chat.fanout.events_published", "{event}",
            "Committed events this process handed to the fan-out.");
        _logger = logger;
        _loop = new(() => BatchLoop.Start(_queue.Reader, MaxBatch, PublishBatchAsync));
    }

    /// <summary>On a realtime node: the events this process commits go to <paramref name="deliver"/>, not through Redis to <paramref name="node"/>.</summary>
    public void DeliverLocally(string node, Action<IReadOnlyList<FanoutEnvelope>> deliver) => _local = (node, deliver);

    /// <summary>Queues a committed event for the next publication; events queued in seq order are published in it.</summary>
    public void Publish(FanoutEnvelope envelope)
    {
        if (!_queue.Writer.TryWrite(envelope))
        {
            throw new ObjectDisposedException(nameof(MessageFanout));
        }

        _ = _loop.Value;
    }

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
            _published.Add(batch.Count);
            var local = _local;
            local?.Deliver([.. batch]);
            var subscriber = _redis.GetSubscriber();
            var routed = await _nodes.RouteAsync(batch, e => e.Recipients);
            if (local is { } here)
            {
                routed.Remove(here.Node);
            }

            await Task.WhenAll(routed.Select(node => subscriber.PublishAsync(RedisNames.NodeMessages(node.Key), RedisWire.WriteMessages(node.Value))));
        }
        catch (Exception e)
        {
            LogPublicationFailed(e, batch.Count);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "A fan-out publication of {Count} committed events failed; the nodes will read them back from PostgreSQL")]
    private partial void LogPublicationFailed(Exception exception, int count);
}
