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

    public bool TryTake(long bytes)
    {
        if (Interlocked.Add(ref _queued, bytes) <= options.Value.MaxNodeQueuedBytes)
        {
            return true;
        }

        Interlocked.Add(ref _queued, -bytes);
        return false;
    }

    public void Return(long bytes) => Interlocked.Add(ref _queued, -bytes);
}
