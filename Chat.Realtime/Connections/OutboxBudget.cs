using Microsoft.Extensions.Options;

namespace Chat.Realtime.Connections;

/// <summary>
/// The bytes all of this node's connection queues may hold together (<see cref="OutboxOptions.MaxNodeQueuedBytes"/>),
/// so what queues for connections that fall behind stays within the node's memory however many connections it has.
/// </summary>
public sealed class OutboxBudget(IOptions<OutboxOptions> options)
{
    private long _queued;

    public long Queued => Interlocked.Read(ref _queued);

    /// <remarks>
    /// A shared event queued for several connections counts once for each: the budget errs towards closing early,
    /// never towards holding more than it says.
    /// </remarks>
    public bool TryTake(long bytes)
    {
        var queued = Interlocked.Read(ref _queued);
        while (queued + bytes <= options.Value.MaxNodeQueuedBytes)
        {
            var seen = Interlocked.CompareExchange(ref _queued, queued + bytes, queued);
            if (seen == queued)
            {
                return true;
            }

            queued = seen;
        }

        return false;
    }

    public void Return(long bytes) => Interlocked.Add(ref _queued, -bytes);
}
