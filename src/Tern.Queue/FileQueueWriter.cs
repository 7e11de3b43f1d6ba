namespace Tern.Queue;

/// <summary>
/// A message being written to a <see cref="FileQueueStore"/>. The content goes to
/// <c>tmp/&lt;id&gt;.eml</c>; the commit syncs it, writes and syncs the envelope, and renames both
/// into place.
/// </summary>
internal sealed class FileQueueWriter(FileQueueStore store, QueueId id, QueueEnvelope envelope, FileStream content) : IQueueWriter
{
    private Stage _stage;

    private enum Stage
    {
        Writing,
        Committing,
        ContentPlaced,
        EnvelopePlaced,
        Committed,
        Disposed,
    }

    public QueueId Id => id;

    /// <summary>The content file. The writer owns it: callers write to it but must not dispose it.</summary>
    public Stream Content => content;

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        if (_stage != Stage.Writing)
        {
            throw new InvalidOperationException($"Message {id} cannot be committed again: a commit already ran or the writer was disposed.");
        }

        _stage = Stage.Committing;
        await content.FlushAsync(cancellationToken);
        content.Flush(flushToDisk: true);
        var size = content.Length;
        await content.DisposeAsync();

        var entry = QueueEntry.Create(id, envelope with { Size = size });
        var temporaryEnvelope = store.TemporaryEnvelopePath(id);
        await FileQueueStore.WriteEnvelopeFileAsync(temporaryEnvelope, entry, cancellationToken);

        // From here on the steps ignore cancellation, because stopping between the renames would
        // leave a half-committed message. Content first: the envelope is the commit record. When a
        // step throws, _stage records how far the commit got, and DisposeAsync removes what was
        // placed: the SMTP session replies 451, so a visible envelope must not stay.
        File.Move(store.TemporaryContentPath(id), store.ContentPath(id));
        _stage = Stage.ContentPlaced;
        DurableDirectory.Sync(store.ContentDirectory);

        File.Move(temporaryEnvelope, store.EnvelopePath(id));
        _stage = Stage.EnvelopePlaced;
        DurableDirectory.Sync(store.EnvelopeDirectory);

        _stage = Stage.Committed;
        Log.MessageQueued(store.Logger, id, envelope.Sender, size, envelope.Recipients.Count);
    }

    /// <summary>Removes the message's files unless it was committed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stage is Stage.Committed or Stage.Disposed)
        {
            return;
        }

        var placed = _stage;
        _stage = Stage.Disposed;
        try
        {
            await content.DisposeAsync();
        }
        catch (IOException)
        {
            // Flushing unwritten buffers can fail (disk full); the file is removed below anyway.
        }

        try
        {
            // The envelope goes first, so a crash in between leaves content without an envelope,
            // which start-up removes.
            if (placed == Stage.EnvelopePlaced)
            {
                File.Delete(store.EnvelopePath(id));
            }

            if (placed is Stage.ContentPlaced or Stage.EnvelopePlaced)
            {
                File.Delete(store.ContentPath(id));
            }

            File.Delete(store.TemporaryEnvelopePath(id));
            File.Delete(store.TemporaryContentPath(id));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.UncommittedCleanupFailed(store.Logger, id, ex);
        }
    }
}
