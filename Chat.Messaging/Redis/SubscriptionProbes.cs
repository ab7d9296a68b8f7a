using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Chat.Messaging.Redis;

/// <summary>
/// Proves a node's subscriptions end to end: a probe published on a channel must come back through this node's
/// own handler of that channel. A subscription lost without an error (the connection re-established but the
/// channel not subscribed again, a handler gone) shows as a probe that never returns. A node's own channels carry
/// only its probes; on the channel all nodes share, each handler hands the probes to <see cref="Received"/>, which
/// drops those of other nodes.
/// </summary>
public sealed class SubscriptionProbes(IConnectionMultiplexer redis)
{
    /// <summary>The channels a realtime node subscribes to, and so must answer probes on: its own two, and the one all share.</summary>
    public static IReadOnlyList<RedisChannel> NodeChannels(string nodeId) =>
        [RedisNames.NodeMessages(nodeId), RedisNames.NodeUserEvents(nodeId), RedisNames.DeviceRevocations];

    /// <summary>No publication of the Chat services starts with this (JSON starts with '[' or '{'; revocations are 32 bytes).</summary>
    private static readonly byte[] Prefix = "chat-probe:"u8.ToArray();

    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _waiting = new();

    /// <summary>True when the publication is a probe: the handler must not read it as anything else.</summary>
    public bool Received(RedisValue publication)
    {
        var bytes = (byte[]?)publication;
        if (bytes is null || bytes.Length != Prefix.Length + 16 || !bytes.AsSpan().StartsWith(Prefix))
        {
            return false;
        }

        if (_waiting.TryRemove(new Guid(bytes.AsSpan(Prefix.Length)), out var waiting))
        {
            waiting.TrySetResult();
        }

        return true;
    }

    /// <summary>Whether a probe published on <paramref name="channel"/> came back to this node within <paramref name="timeout"/>.</summary>
    public async Task<bool> RoundTripAsync(RedisChannel channel, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        var returned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = returned;
        try
        {
            await redis.GetSubscriber().PublishAsync(channel, (byte[])[.. Prefix, .. id.ToByteArray()]);
            await returned.Task.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or RedisException)
        {
            return false;
        }
        finally
        {
            _waiting.TryRemove(id, out _);
        }
    }
}
