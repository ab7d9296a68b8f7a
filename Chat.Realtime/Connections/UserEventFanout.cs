using System.Globalization;
using System.Text.Json;
using Chat.Data.Presence;
using Chat.Realtime.Hubs;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Chat.Realtime.Connections;

/// <summary>
/// Events for users wherever they are connected (presence, typing, receipts): one publication on a Redis channel
/// that every node reads, each node writing to its own connections of those users. The SignalR backplane's
/// <c>Clients.Users</c> publishes once per user instead: for a group of 1,000 members, 999 publications per
/// event, which a burst of connections turned into a Redis backlog that timed out.
/// </summary>
public sealed partial class UserEventFanout(
    IConnectionMultiplexer redis, IHubContext<ChatHub> hub, LocalConnections connections, ILogger<UserEventFanout> logger) : BackgroundService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("chat:user-events");

    private sealed record Envelope(string Event, JsonElement Payload, IReadOnlyList<Guid> Users);

    /// <summary>Publishes only if the counter still holds the value: checked and published in one step inside Redis.</summary>
    private static readonly LuaScript PublishIfCurrentScript = LuaScript.Prepare("""
        if redis.call('GET', @counter) == @expected then
            return redis.call('PUBLISH', @channel, @envelope)
        end
        return -1
        """);

    /// <param name="onlyWhile">When given, the event goes out only while that counter holds that value.</param>
    public async Task PublishAsync<T>(string eventName, T payload, IReadOnlyList<Guid> users, (RedisKey Counter, long Value)? onlyWhile = null)
    {
        if (users.Count == 0)
        {
            return;
        }

        var envelope = JsonSerializer.SerializeToUtf8Bytes(
            new Envelope(eventName, JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web), users), JsonSerializerOptions.Web);
        if (onlyWhile is var (counter, value))
        {
            await redis.GetDatabase().ScriptEvaluateAsync(PublishIfCurrentScript,
                new { counter, expected = value.ToString(CultureInfo.InvariantCulture), channel = Channel.ToString(), envelope });
            return;
        }

        await redis.GetSubscriber().PublishAsync(Channel, envelope);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Handled one at a time, in the order Redis delivered them, so a user sees "online" before "offline".
        var queue = await redis.GetSubscriber().SubscribeAsync(Channel);
        queue.OnMessage(message => DeliverAsync(message.Message));
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

    private async Task DeliverAsync(RedisValue message)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>((byte[])message!, JsonSerializerOptions.Web)
                ?? throw new JsonException("Empty user event.");
            var local = connections.ConnectionsOf(envelope.Users);
            if (local.Count == 0)
            {
                return;
            }

            object payload = envelope.Event switch
            {
                ChatEvents.Presence => envelope.Payload.Deserialize<PresenceStatus>(JsonSerializerOptions.Web)!,
                ChatEvents.Typing => envelope.Payload.Deserialize<TypingEvent>(JsonSerializerOptions.Web)!,
                ChatEvents.Receipt => envelope.Payload.Deserialize<ReceiptEvent>(JsonSerializerOptions.Web)!,
                _ => throw new JsonException($"Unknown user event '{envelope.Event}'."),
            };

            await hub.SendToLocalAsync(local, envelope.Event, payload);
        }
        catch (JsonException e)
        {
            LogMalformed(e);
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Dropped a malformed user event")]
    private partial void LogMalformed(Exception exception);
}
