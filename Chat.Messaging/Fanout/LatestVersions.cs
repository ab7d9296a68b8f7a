using Chat.Messaging.Redis;
using Microsoft.Extensions.Caching.Memory;

namespace Chat.Messaging.Fanout;

/// <summary>
/// The latest version of each counter one node has delivered an event of, so that an event published late (its
/// publisher checked the counter, then a later change went out first) is dropped instead of undoing the later one.
/// A late event trails the one that superseded it by the time between a publisher's check and its publication,
/// milliseconds, so a counter is remembered for a minute after its last event.
/// </summary>
internal sealed class LatestVersions : IDisposable
{
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(1);

    private readonly MemoryCache _latest = new(new MemoryCacheOptions());

    /// <summary>True when a later version of the counter was delivered; otherwise records this one as the latest.</summary>
    public bool Supersedes(EventVersion version)
    {
        if (_latest.TryGetValue(version.Counter, out long latest) && latest > version.Value)
        {
            return true;
        }

        Record(version);
        return false;
    }

    /// <summary>Takes this version as the latest even if a higher one was seen: the counter itself went back.</summary>
    public void Record(EventVersion version) => _latest.Set(version.Counter, version.Value, RememberFor);

    public void Dispose() => _latest.Dispose();
}
