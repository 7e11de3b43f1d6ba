namespace Tern.Queue;

/// <summary>
/// The durable message queue. A message is accepted only once <see cref="IQueueWriter.CommitAsync"/>
/// returns: by then its content and envelope are synced to stable storage.
/// </summary>
public interface IQueueStore
{
    /// <summary>Starts a new message with the given envelope; its content is written to the returned writer.</summary>
    ValueTask<IQueueWriter> CreateAsync(QueueEnvelope envelope, CancellationToken cancellationToken);

    /// <summary>Lists the queued messages (envelopes only), oldest first.</summary>
    IAsyncEnumerable<QueueEntry> ListAsync(CancellationToken cancellationToken);

    /// <summary>Reads one entry, or null when the id is not in the queue.</summary>
    ValueTask<QueueEntry?> GetAsync(QueueId id, CancellationToken cancellationToken);

    /// <summary>Opens the stored message content for reading.</summary>
    ValueTask<Stream> OpenContentAsync(QueueId id, CancellationToken cancellationToken);

    /// <summary>Replaces the stored per-recipient state of an entry (durably).</summary>
    ValueTask UpdateAsync(QueueEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes a message and its content. Returns false when it was not there.</summary>
    ValueTask<bool> DeleteAsync(QueueId id, CancellationToken cancellationToken);
}

/// <summary>A message being written to the queue.</summary>
public interface IQueueWriter : IAsyncDisposable
{
    QueueId Id { get; }

    Stream Content { get; }

    /// <summary>Syncs the content, the envelope and their directory, then makes the entry visible.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken);
}
