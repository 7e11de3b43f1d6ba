namespace Tern.Queue;

/// <summary>One delivery attempt: a queued message and the recipients that are due now.</summary>
public sealed class DeliveryRequest
{
    private readonly Func<CancellationToken, ValueTask<Stream>> _openContent;

    /// <param name="entry">The queued message.</param>
    /// <param name="recipients">The due recipients, a subset of the envelope recipients.</param>
    /// <param name="openContent">Opens a new read stream over the stored message content.</param>
    public DeliveryRequest(QueueEntry entry, IReadOnlyList<QueueRecipient> recipients, Func<CancellationToken, ValueTask<Stream>> openContent)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(openContent);
        Entry = entry;
        Recipients = recipients;
        _openContent = openContent;
    }

    public QueueEntry Entry { get; }

    public IReadOnlyList<QueueRecipient> Recipients { get; }

    /// <summary>Opens a new stream over the stored content; the caller disposes it.</summary>
    public ValueTask<Stream> OpenContentAsync(CancellationToken cancellationToken) => _openContent(cancellationToken);
}
