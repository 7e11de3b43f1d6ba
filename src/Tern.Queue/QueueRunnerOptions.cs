namespace Tern.Queue;

/// <summary>Scheduling settings of the <see cref="QueueRunner"/>. The defaults are close to Postfix's.</summary>
public sealed class QueueRunnerOptions
{
    /// <summary>How often the runner scans the queue when nothing wakes it. Default 1 minute.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Delay before the first retry; it doubles with each failed attempt. Default 5 minutes (Postfix minimal_backoff_time).</summary>
    public TimeSpan MinimalBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Upper limit of the retry delay. Default 1 hour (Postfix maximal_backoff_time is 4000 seconds).</summary>
    public TimeSpan MaximalBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Time after arrival when a deferred recipient is bounced. Default 5 days (Postfix maximal_queue_lifetime).</summary>
    public TimeSpan MaximalQueueLifetime { get; set; } = TimeSpan.FromDays(5);

    /// <summary>Maximum number of messages in delivery at once. Default 20.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 20;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinimalBackoff, TimeSpan.Zero, nameof(MinimalBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximalBackoff, MinimalBackoff, nameof(MaximalBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaximalQueueLifetime, TimeSpan.Zero, nameof(MaximalQueueLifetime));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentDeliveries, 1, nameof(MaxConcurrentDeliveries));
    }

    /// <summary>Returns the delay after the given number of failed attempts (1 for the first).</summary>
    public TimeSpan BackoffAfter(int attempts)
    {
        var delay = MinimalBackoff;
        for (var i = 1; i < attempts && delay < MaximalBackoff; i++)
        {
            delay += delay;
        }

        return delay < MaximalBackoff ? delay : MaximalBackoff;
    }
}
