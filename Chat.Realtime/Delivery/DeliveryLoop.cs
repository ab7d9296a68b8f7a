using System.Diagnostics;
using System.Threading.Channels;
using Chat.Data.Messaging;
using Chat.Realtime.Connections;
using Chat.Realtime.Hubs;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Realtime.Delivery;

/// <summary>
/// Receives every committed event from the fan-out channel, restores seq order per conversation and writes each
/// event to this node's connections of its recipients. One loop owns the sequencer, so no event overtakes another.
/// </summary>
public sealed partial class DeliveryLoop(
    IConnectionMultiplexer redis,
    IHubContext<ChatHub> hub,
    LocalConnections connections,
    MessageStore store,
    RealtimeMetrics metrics,
    IOptions<DeliveryOptions> options,
    TimeProvider time,
    ILogger<DeliveryLoop> logger) : BackgroundService
{
    private abstract record Work;
    private sealed record Published(IReadOnlyList<FanoutEnvelope> Envelopes) : Work;
    private sealed record Tick : Work;

    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sequencer = new ConversationSequencer(options.Value.FirstSightWindow, options.Value.GapTimeout, TimeSpan.FromMinutes(10));
        var subscription = await redis.GetSubscriber().SubscribeAsync(MessageFanout.Channel);
        // The queue hands messages over one at a time, in the order Redis delivered them.
        subscription.OnMessage(message => Enqueue(message.Message));

        try
        {
            await Task.WhenAll(TickAsync(stoppingToken), ProcessAllAsync(sequencer, stoppingToken));
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
    private void Enqueue(RedisValue message)
    {
        try
        {
            _work.Writer.TryWrite(new Published(MessageFanout.Read(message)));
        }
        catch (System.Text.Json.JsonException e)
        {
            LogMalformed(e);
        }
    }

    private async Task ProcessAllAsync(ConversationSequencer sequencer, CancellationToken stoppingToken)
    {
        await foreach (var work in _work.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await ProcessAsync(sequencer, work, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogDeliveryFailed(e);
            }
        }
    }

    private async Task TickAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(25), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            _work.Writer.TryWrite(new Tick());
        }
    }

    private async Task ProcessAsync(ConversationSequencer sequencer, Work work, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (work is Published published)
        {
            foreach (var envelope in published.Envelopes)
            {
                await DeliverAsync(sequencer.Accept(envelope, now));
            }

            return;
        }

        var (ready, gaps) = sequencer.Tick(now);
        await DeliverAsync(ready);
        foreach (var gap in gaps)
        {
            LogGap(gap.ConversationId, gap.FromSeq, gap.ToSeq);
            var (messages, recipients) = await store.ReadRangeAsync(gap.ConversationId, gap.FromSeq, gap.ToSeq, cancellationToken);
            await DeliverAsync(sequencer.Fill(gap, messages.Select(m => new FanoutEnvelope(m, recipients, null)), time.GetUtcNow()));
        }
    }

    private async Task DeliverAsync(List<FanoutEnvelope> ready)
    {
        foreach (var envelope in ready)
        {
            // The sending device has the event already, as the answer to its call (or to its REST request).
            var local = connections.ConnectionsOf(envelope.Recipients, exceptDevice: envelope.Event.SenderDeviceId);
            if (local.Count == 0)
            {
                continue;
            }

            ActivityContext.TryParse(envelope.TraceParent, null, out var parent);
            using var activity = RealtimeMetrics.Source.StartActivity("deliver message", ActivityKind.Consumer, parent);
            activity?.SetTag("chat.conversation_id", envelope.Event.ConversationId);
            activity?.SetTag("chat.seq", envelope.Event.Seq);
            activity?.SetTag("chat.connections", local.Count);
            await hub.SendToLocalAsync(local, ChatEvents.Message, envelope.Event);
            metrics.Delivered(local.Count, time.GetUtcNow() - envelope.Event.SentAt);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Seq gap in conversation {ConversationId}: reading {FromSeq}..{ToSeq} from PostgreSQL")]
    private partial void LogGap(Guid conversationId, long fromSeq, long toSeq);

    [LoggerMessage(2, LogLevel.Error, "Delivering a fan-out event failed")]
    private partial void LogDeliveryFailed(Exception exception);

    [LoggerMessage(3, LogLevel.Error, "Dropped a malformed fan-out publication")]
    private partial void LogMalformed(Exception exception);
}
