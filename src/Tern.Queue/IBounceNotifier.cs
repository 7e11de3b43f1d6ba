namespace Tern.Queue;

/// <summary>
/// Sends delivery status notifications for bounced recipients. The <see cref="QueueRunner"/> calls
/// it once per delivery attempt that bounced at least one recipient, before it records the bounces.
/// </summary>
public interface IBounceNotifier
{
    /// <summary>
    /// Queues a notification for the recipients of <paramref name="entry"/> that this attempt bounced,
    /// or does nothing when none is wanted (for example for a null reverse-path). An exception is
    /// logged by the runner, which records the bounces anyway.
    /// </summary>
    ValueTask NotifyAsync(QueueEntry entry, IReadOnlyList<BouncedRecipient> recipients, DateTimeOffset bouncedAt, CancellationToken cancellationToken);
}
