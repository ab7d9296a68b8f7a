using System.Diagnostics;
using System.Threading.Channels;

namespace Chat.Messaging;

/// <summary>
/// A background loop that takes everything queued up, at most <c>maxBatch</c> at a time, and hands it over as one
/// batch: while a batch is being handled, the next one gathers. The shape of group commit and of the fan-out's
/// batched publications. The handler must not throw: it owns the outcome of each item.
/// </summary>
internal static class BatchLoop
{
    public static Task Start<T>(ChannelReader<T> reader, int maxBatch, Func<List<T>, Task> handle) =>
        Start<T>(reader, maxBatch, async batch =>
        {
            await handle(batch);
            return [];
        });

    /// <summary>
    /// As above, with items the handler hands back (in a list of its own): they begin the next batch, ahead of the
    /// queue, so items that must keep their order do.
    /// </summary>
    public static Task Start<T>(ChannelReader<T> reader, int maxBatch, Func<List<T>, Task<IReadOnlyList<T>>> handle) => Task.Run(async () =>
    {
        // The loop serves every caller: it must not stay in the trace of the one that happened to start it.
        Activity.Current = null;
        var batch = new List<T>(maxBatch);
        IReadOnlyList<T> handedBack = [];
        while (handedBack.Count > 0 || await reader.WaitToReadAsync())
        {
            batch.Clear();
            batch.AddRange(handedBack);
            while (batch.Count < maxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            handedBack = await handle(batch);
        }
    }, CancellationToken.None);
}
