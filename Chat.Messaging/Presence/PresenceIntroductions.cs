using System.Globalization;
using Chat.Messaging.Fanout;
using Chat.Messaging.Redis;
using StackExchange.Redis;

namespace Chat.Messaging.Presence;

/// <summary>
/// Tells two users each other's presence when they become contacts (a message request accepted), rather than at
/// the next time either connects or leaves. Each status goes out only while the user's transition counter is the one
/// read before it, so it can never overtake a later change (which reaches them itself).
/// </summary>
public sealed class PresenceIntroductions(IConnectionMultiplexer redis, PresenceReader presence, UserEventFanout userEvents)
{
    public async Task IntroduceAsync(Guid userId, Guid otherId)
    {
        await TellAsync(userId, otherId);
        await TellAsync(otherId, userId);
    }

    private async Task TellAsync(Guid aboutId, Guid toId)
    {
        var counter = RedisNames.Transitions(aboutId);
        var transition = await redis.GetDatabase().StringGetAsync(counter);
        if (transition.IsNull)
        {
            // Never connected: nothing to tell.
            return;
        }

        var status = await presence.ReadAsync(aboutId);
        await userEvents.PublishAsync(ChatEvents.Presence, status, [toId], (counter, long.Parse(transition.ToString(), CultureInfo.InvariantCulture)));
    }
}
