using System.Diagnostics;
using Chat.Messaging.Fanout;
using Chat.Messaging.Redis;
using Chat.Realtime.Connections;
using Chat.Realtime.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Realtime.Delivery;

/// <summary>
/// The last step of a message's path: takes each committed event from the fan-out (in seq order per conversation)
/// and writes it to this node's connections of its recipients.
/// </summary>
public sealed class DeliveryLoop(
    MessageSubscription subscription,
    IHubContext<ChatHub> hub,
    LocalConnections connections,
    RealtimeMetrics metrics,
    TimeProvider time) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => subscription.RunAsync(DeliverAsync, stoppingToken);

    private async Task DeliverAsync(FanoutEnvelope envelope)
    {
        var local = connections.ConnectionsOf(envelope.Recipients, exceptDevice: envelope.AnsweredToSender ? envelope.Event.SenderDeviceId : null);
        if (local.Count == 0)
        {
            return;
        }

        ActivityContext.TryParse(envelope.TraceParent, null, out var parent);
        using var activity = RealtimeMetrics.Source.StartActivity("deliver message", ActivityKind.Consumer, parent);
        activity?.SetTag("chat.conversation_id", envelope.Event.ConversationId);
        activity?.SetTag("chat.message_id", envelope.Event.MessageId);
        activity?.SetTag("chat.seq", envelope.Event.Seq);
        activity?.SetTag("chat.connections", local.Count);
        await hub.SendToLocalAsync(local, ChatEvents.Message, envelope.Event);
        metrics.Delivered(local.Count, time.GetUtcNow() - envelope.Event.SentAt);
    }
}
