using System.Globalization;
using StackExchange.Redis;

namespace Chat.Messaging.Calls;

/// <summary>Reads a call's Redis state, as the scripts' <c>snapshot</c> returns it, into a <see cref="CallView"/>.</summary>
internal static class CallSnapshots
{
    /// <summary>From a script's {hash, participants, declined, joined}.</summary>
    public static CallView Read(Guid callId, RedisResult snapshot)
    {
        var parts = (RedisResult[])snapshot!;
        var hash = Pairs(parts[0]).ToDictionary(p => p.Key, p => p.Value);
        return Read(callId, hash, Pairs(parts[1]), ((RedisResult[])parts[2]!).Select(r => r.ToString()));
    }

    public static CallView Read(Guid callId, IReadOnlyDictionary<string, string> hash, IEnumerable<(string Device, string User)> participants, IEnumerable<string> declined)
    {
        var answeredAt = Time(hash.GetValueOrDefault("answeredAt"));
        var endedAt = Time(hash.GetValueOrDefault("endedAt"));
        return new CallView(
            callId,
            Guid.Parse(hash["conversation"]),
            Guid.Parse(hash["caller"]),
            Guid.Parse(hash["callerDevice"]),
            hash["media"],
            hash["state"],
            hash["invitees"].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse).ToList(),
            participants.Select(p => new CallParticipant(Guid.Parse(p.User), Guid.Parse(p.Device))).ToList(),
            declined.Select(Guid.Parse).ToList(),
            Time(hash["startedAt"])!.Value,
            Time(hash["ringUntil"])!.Value,
            answeredAt,
            endedAt,
            hash.GetValueOrDefault("outcome"),
            answeredAt is { } from && endedAt is { } to ? (int)Math.Round((to - from).TotalSeconds) : null);
    }

    private static IEnumerable<(string Key, string Value)> Pairs(RedisResult flat)
    {
        var items = (RedisResult[])flat!;
        for (var i = 0; i + 1 < items.Length; i += 2)
        {
            yield return (items[i].ToString(), items[i + 1].ToString());
        }
    }

    private static DateTimeOffset? Time(string? unixMilliseconds) =>
        unixMilliseconds is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(unixMilliseconds, CultureInfo.InvariantCulture));
}
