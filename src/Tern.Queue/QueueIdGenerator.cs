namespace Tern.Queue;

/// <summary>
/// Issues strictly increasing queue ids: the current time in milliseconds, or the last id plus one
/// when the clock has not moved forward (or moved back).
/// </summary>
internal sealed class QueueIdGenerator(TimeProvider timeProvider)
{
    private ulong _last;

    public QueueId Next()
    {
        var milliseconds = Math.Max(0, timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        var floor = (ulong)milliseconds << QueueId.SequenceBits;
        while (true)
        {
            var last = Volatile.Read(ref _last);

            // More than 2^20 ids in one millisecond spill into the time bits, which keeps them unique.
            var next = Math.Max(last + 1, floor);
            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return new QueueId(next);
            }
        }
    }

    /// <summary>Makes every later id greater than <paramref name="id"/>, for ids found on disk.</summary>
    public void AdvancePast(QueueId id)
    {
        while (true)
        {
            var last = Volatile.Read(ref _last);
            if (last >= id.Value || Interlocked.CompareExchange(ref _last, id.Value, last) == last)
            {
                return;
            }
        }
    }
}
