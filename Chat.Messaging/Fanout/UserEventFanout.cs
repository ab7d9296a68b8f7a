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
    /// <param name="onlyWhile">
    /// When given, the event is out of date once that counter has moved past that value: it is not published if the
    /// counter has moved already, and it carries the value, so that a node drops it after delivering a later one
    /// (the check and the publication are two steps: on a Redis Cluster the counter and the channels are in
    /// different slots, so no script can do both).
    /// </param>
    /// <param name="device">When given, only that device of the (single) user gets the event.</param>
    public async Task PublishAsync<T>(string eventName, T payload, IReadOnlyList<Guid> users, (RedisKey Counter, long Value)? onlyWhile = null, Guid? device = null)
    {
        if (users.Count == 0)
        {
            return;
        }

        // The counter is read with the recipients' nodes, in the same round trip.
        var version = onlyWhile is var (counter, value) ? new EventVersion(counter.ToString(), value) : null;
        var holds = version is null ? Task.FromResult(true) : HoldsAsync(version);
        var held = nodes.OfAsync(users.ToHashSet());
        await Task.WhenAll(holds, held);
        var channels = held.Result.Values.SelectMany(devices => devices.Where(d => device is null || d.Device == device).Select(d => d.Node))
            .Distinct().Select(RedisNames.NodeUserEvents).ToList();
        if (channels.Count == 0 || !holds.Result)
        {
            return;
        }

        var envelope = RedisWire.WriteUserEvent(eventName, payload, users, device, version);
        var subscriber = redis.GetSubscriber();
        await Task.WhenAll(channels.Select(channel => subscriber.PublishAsync(channel, envelope)));
    }

    /// <summary>
    /// Hands every user event sent to <paramref name="node"/> to <paramref name="deliver"/> until <paramref name="stoppingToken"/> fires: one at a
    /// time, in the order Redis delivered them, so a user sees "online" before "offline".
    /// </summary>
    public async Task RunAsync(NodeIdentity node, Func<UserEvent, Task> deliver, CancellationToken stoppingToken)
    {
        using var latest = new LatestVersions();
        var queue = await redis.GetSubscriber().SubscribeAsync(RedisNames.NodeUserEvents(node.Id));
        queue.OnMessage(async message =>
        {
            if (probes.Received(message.Message))
            {
                return;
            }

            try
            {
                var userEvent = RedisWire.ReadUserEvent(message.Message);
                if (userEvent.Version is { } version && latest.Supersedes(version))
                {
                    // Still current if its counter holds its value: Redis lost writes (a restart from an older
                    // snapshot, a failover) and the counter went back below what this node remembers.
                    if (!await HoldsAsync(version))
                    {
                        return;
                    }

                    latest.Record(version);
                }

                await deliver(userEvent);
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

    /// <summary>Whether the event's counter still holds the value it was published at.</summary>
    private async Task<bool> HoldsAsync(EventVersion version) =>
        (long?)await redis.GetDatabase().StringGetAsync(version.Counter) == version.Value;

    [LoggerMessage(1, LogLevel.Error, "Dropped a malformed user event")]
    private partial void LogMalformed(Exception exception);

    [LoggerMessage(2, LogLevel.Error, "Delivering a user event failed")]
    private partial void LogDeliveryFailed(Exception exception);
}
