using System.Globalization;
using Chat.Messaging.Presence;
using Chat.Messaging.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Messaging.Fanout;

/// <summary>
/// Both halves of the fan-out of events for users wherever they are connected (presence, typing, receipts, calls):
/// one publication on the channel of each realtime node that holds a connection of one of the users
/// (<see cref="RecipientNodes"/>), each node writing to its own connections of those users. The SignalR backplane's
/// <c>Clients.Users</c> publishes once per user instead: one publication per member of a group for every event, so
/// a burst of connections in large groups piles up in Redis.
/// </summary>
public sealed partial class UserEventFanout(IConnectionMultiplexer redis, RecipientNodes nodes, SubscriptionProbes probes, ILogger<UserEventFanout> logger)
{
    /// <summary>
    /// Publishes to each node's channel (ARGV 3...) only if the counter (KEYS 1) still holds the value (ARGV 1):
    /// checked and published in one step inside Redis. On a Redis Cluster the channels must share the counter's
    /// shard, which they do not: see docs/scaling.md.
    /// </summary>
    private const string PublishIfCurrentScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
            for i = 3, #ARGV do
                redis.call('SPUBLISH', ARGV[i], ARGV[2])
            end
            return 1
        end
        return -1
        """;

    /// <param name="onlyWhile">When given, the event goes out only while that counter holds that value.</param>
    /// <param name="device">When given, only that device of the (single) user gets the event.</param>
    public async Task PublishAsync<T>(string eventName, T payload, IReadOnlyList<Guid> users, (RedisKey Counter, long Value)? onlyWhile = null, Guid? device = null)
    {
        if (users.Count == 0)
        {
            return;
        }

        var held = await nodes.OfAsync(users.ToHashSet());
        var channels = held.Values.SelectMany(devices => devices.Where(d => device is null || d.Device == device).Select(d => d.Node))
            .Distinct().Select(RedisNames.NodeUserEvents).ToList();
        if (channels.Count == 0)
        {
            return;
        }

        var envelope = RedisWire.WriteUserEvent(eventName, payload, users, device);
        if (onlyWhile is var (counter, value))
        {
            await redis.GetDatabase().ScriptEvaluateAsync(PublishIfCurrentScript, [counter],
                [value.ToString(CultureInfo.InvariantCulture), envelope, .. channels.Select(c => (RedisValue)c.ToString())]);
            return;
        }

        var subscriber = redis.GetSubscriber();
        await Task.WhenAll(channels.Select(channel => subscriber.PublishAsync(channel, envelope)));
    }

    /// <summary>
    /// Hands every user event sent to <paramref name="node"/> to <paramref name="deliver"/> until <paramref name="stoppingToken"/> fires: one at a
    /// time, in the order Redis delivered them, so a user sees "online" before "offline".
    /// </summary>
    public async Task RunAsync(NodeIdentity node, Func<UserEvent, Task> deliver, CancellationToken stoppingToken)
    {
        var queue = await redis.GetSubscriber().SubscribeAsync(RedisNames.NodeUserEvents(node.Id));
        queue.OnMessage(async message =>
        {
            if (probes.Received(message.Message))
            {
                return;
            }

            try
            {
                await deliver(RedisWire.ReadUserEvent(message.Message));
            }
            catch (System.Text.Json.JsonException e)
            {
                LogMalformed(e);
            }
            catch (Exception e)
            {
                LogDeliveryFailed(e);
            }
        });
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await queue.UnsubscribeAsync();
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Dropped a malformed user event")]
    private partial void LogMalformed(Exception exception);

    [LoggerMessage(2, LogLevel.Error, "Delivering a user event failed")]
    private partial void LogDeliveryFailed(Exception exception);
}
