using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Chat.Messaging.Presence;
using Chat.Messaging.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Messaging.Fanout;

/// <summary>
/// The receiving half of the message fan-out: reads the publications of <see cref="MessageFanout"/> on this node's
/// channel (the events with a recipient connected here) and takes the events this node commits itself, puts each
/// conversation's events back in seq order (<see cref="ConversationSequencer"/>), reads from PostgreSQL what a
/// lost publication left out (<see cref="CommittedEvents"/>), and hands the events on one at a time, in order.
/// One loop owns the sequencer, so no event overtakes another.
/// </summary>
public sealed partial class MessageSubscription(
    IConnectionMultiplexer redis,
    NodeIdentity node,
    MessageFanout fanout,
    IMeterFactory meters,
    CommittedEvents committed,
    SubscriptionProbes probes,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<MessageSubscription> logger)
{
    /// <summary>How often held events and gaps are looked at again, while any are held.</summary>
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// A conversation with nothing held is forgotten after this long without an event. This node hears a conversation
    /// only while one of its members is connected here; one whose member comes back within this time takes the
    /// events it was not sent as a gap, read from PostgreSQL (its clients ignore what they have already).
    /// </summary>
    private static readonly TimeSpan IdleExpiry = TimeSpan.FromMinutes(10);

    /// <summary>What this node is sent: with routing by interest, its share of all events falls as nodes are added.</summary>
    private readonly Counter<long> _received = meters.Create(MessagingTelemetry.Name).CreateCounter<long>("chat.fanout.events_received", "{event}",
        "Committed events this realtime node received from the fan-out.");

    /// <summary>How far behind the commits this node hears of another node's events: Redis, and this node's reading.</summary>
    private readonly Histogram<double> _lag = meters.Create(MessagingTelemetry.Name).CreateHistogram<double>("chat.fanout.lag", "ms",
        "From an event's commit on another node to its arrival here through Redis.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] });

    private abstract record Work;
    private sealed record Published(IReadOnlyList<FanoutEnvelope> Envelopes) : Work;
    private sealed record Tick : Work;

    /// <summary>
    /// Subscribes and hands every committed event to <paramref name="deliver"/>, each conversation's in seq order,
    /// until <paramref name="stoppingToken"/> fires. A failing <paramref name="deliver"/> is logged and skipped.
    /// </summary>
    public async Task RunAsync(Func<FanoutEnvelope, Task> deliver, CancellationToken stoppingToken)
    {
        var work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
        var sequencer = new ConversationSequencer(options.Value.FirstSightWindow, options.Value.GapTimeout, IdleExpiry);
        var subscription = await redis.GetSubscriber().SubscribeAsync(RedisNames.NodeMessages(node.Id));
        // The queue hands messages over one at a time, in the order Redis delivered them.
        subscription.OnMessage(message => Enqueue(work.Writer, message.Message));
        // What this node commits comes straight from its own fan-out, in commit order, not back through Redis.
        fanout.DeliverLocally(node.Id, envelopes => work.Writer.TryWrite(new Published(envelopes)));

        // A one-shot timer, armed only while the sequencer holds events back: a periodic one woke the node 40 times a
        // second for nothing (its timer thread, then a thread-pool thread for the loop), idle or not.
        await using var tick = time.CreateTimer(_ => work.Writer.TryWrite(new Tick()), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        try
        {
            await ProcessAllAsync(work.Reader, sequencer, tick, deliver, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }

    /// <summary>A malformed publication is dropped with a log line; it must not stop the subscription.</summary>
    private void Enqueue(ChannelWriter<Work> work, RedisValue message)
    {
        if (probes.Received(message))
        {
            return;
        }

        try
        {
            var envelopes = RedisWire.ReadMessages(message);
            _received.Add(envelopes.Count);
            var now = time.GetUtcNow();
            foreach (var envelope in envelopes)
            {
                _lag.Record((now - envelope.Event.SentAt).TotalMilliseconds);
            }

            work.TryWrite(new Published(envelopes));
        }
        catch (System.Text.Json.JsonException e)
        {
            LogMalformed(e);
        }
    }

    private async Task ProcessAllAsync(ChannelReader<Work> work, ConversationSequencer sequencer, ITimer tick, Func<FanoutEnvelope, Task> deliver,
        CancellationToken stoppingToken)
    {
        // Only this loop arms the timer, and only its Tick disarms it, so at most one tick is ever on its way.
        var armed = false;
        await foreach (var item in work.ReadAllAsync(stoppingToken))
        {
            var now = time.GetUtcNow();
            if (item is Published published)
            {
                foreach (var envelope in published.Envelopes)
                {
                    await DeliverAllAsync(deliver, sequencer.Accept(envelope, now));
                }
            }
            else
            {
                armed = false;
                var (ready, gaps) = sequencer.Tick(now);
                await DeliverAllAsync(deliver, ready);
                foreach (var gap in gaps)
                {
                    await DeliverAllAsync(deliver, await FillAsync(sequencer, gap, stoppingToken));
                }
            }

            if (!armed && sequencer.HoldsBack)
            {
                armed = tick.Change(TickInterval, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>
    /// The events of a gap, read from PostgreSQL. If they cannot be read the sequence moves past the gap anyway, as
    /// <see cref="ConversationSequencer.Fill"/> does for events still missing: clients that see a gap in seq call
    /// Sync, and a conversation held up here would hold up everything after it.
    /// </summary>
    private async Task<List<FanoutEnvelope>> FillAsync(ConversationSequencer sequencer, ConversationSequencer.Gap gap, CancellationToken stoppingToken)
    {
        LogGap(gap.ConversationId, gap.FromSeq, gap.ToSeq);
        List<FanoutEnvelope> found;
        try
        {
            found = await committed.ReadRangeAsync(gap.ConversationId, gap.FromSeq, gap.ToSeq, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogGapReadFailed(e, gap.ConversationId);
            found = [];
        }

        return sequencer.Fill(gap, found, time.GetUtcNow());
    }

    private async Task DeliverAllAsync(Func<FanoutEnvelope, Task> deliver, List<FanoutEnvelope> ready)
    {
        foreach (var envelope in ready)
        {
            await DeliverAsync(deliver, envelope);
        }
    }

    private async Task DeliverAsync(Func<FanoutEnvelope, Task> deliver, FanoutEnvelope envelope)
    {
        try
        {
            await deliver(envelope);
        }
        catch (Exception e)
        {
            LogDeliveryFailed(e, envelope.Event.ConversationId, envelope.Event.Seq);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Seq gap in conversation {ConversationId}: reading {FromSeq}..{ToSeq} from PostgreSQL")]
    private partial void LogGap(Guid conversationId, long fromSeq, long toSeq);

    [LoggerMessage(2, LogLevel.Error, "Delivering event {Seq} of conversation {ConversationId} failed")]
    private partial void LogDeliveryFailed(Exception exception, Guid conversationId, long seq);

    [LoggerMessage(3, LogLevel.Error, "Dropped a malformed fan-out publication")]
    private partial void LogMalformed(Exception exception);

    [LoggerMessage(4, LogLevel.Error, "Reading a seq gap of conversation {ConversationId} from PostgreSQL failed; moving past it (clients Sync)")]
    private partial void LogGapReadFailed(Exception exception, Guid conversationId);
}
