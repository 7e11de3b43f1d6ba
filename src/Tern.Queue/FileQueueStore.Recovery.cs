namespace Tern.Queue;

/// <summary>Start-up recovery: removes what a crash left half written and moves corrupt envelopes aside.</summary>
public sealed partial class FileQueueStore
{
    private void Recover()
    {
        var removed = 0;
        var corrupt = 0;

        // Files in tmp/ belong to messages that were never committed, since a commit renames them away.
        foreach (var path in Directory.EnumerateFiles(TemporaryDirectory))
        {
            File.Delete(path);
            Log.RemovedUncommittedFile(Logger, path);
            removed++;
        }

        var committed = new HashSet<QueueId>();
        foreach (var path in Directory.EnumerateFiles(EnvelopeDirectory))
        {
            if (TryRecoverEnvelope(path, out var id))
            {
                committed.Add(id);
                _ids.AdvancePast(id);
            }
            else
            {
                corrupt++;
            }
        }

        // Content whose envelope is missing was renamed into place by a commit that did not finish.
        foreach (var path in Directory.EnumerateFiles(ContentDirectory))
        {
            var isQueueFile = TryParseFileName(Path.GetFileName(path), ContentExtension, out var id);
            if (isQueueFile)
            {
                _ids.AdvancePast(id);
                if (committed.Contains(id))
                {
                    continue;
                }
            }

            File.Delete(path);
            Log.RemovedUncommittedFile(Logger, path);
            removed++;
        }

        Log.QueueOpened(Logger, QueueDirectory, committed.Count, removed, corrupt);
    }

    /// <summary>Checks one envelope file at start-up; moves it aside and returns false when it cannot be used.</summary>
    private bool TryRecoverEnvelope(string path, out QueueId id)
    {
        if (!TryParseFileName(Path.GetFileName(path), EnvelopeExtension, out id))
        {
            MoveAside(path, $"the file name is not a queue id followed by {EnvelopeExtension}");
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            MoveCorruptEntryAside(id, path, $"failed to read the file: {ex.Message}");
            return false;
        }

        if (!TryParseEnvelope(id, bytes, out _, out var reason))
        {
            MoveCorruptEntryAside(id, path, reason);
            return false;
        }

        if (!File.Exists(ContentPath(id)))
        {
            MoveAside(path, $"its content file '{ContentPath(id)}' is missing");
            return false;
        }

        return true;
    }

    /// <summary>Moves an envelope and its content (when present) to corrupt/ for an operator to inspect.</summary>
    private void MoveCorruptEntryAside(QueueId id, string envelopePath, string reason)
    {
        MoveAside(envelopePath, reason);
        var content = ContentPath(id);
        if (File.Exists(content))
        {
            File.Move(content, CorruptPath(content));
        }
    }

    private void MoveAside(string path, string reason)
    {
        var destination = CorruptPath(path);
        File.Move(path, destination);
        Log.MovedCorruptEnvelope(Logger, path, destination, reason);
    }

    private string CorruptPath(string path)
    {
        var destination = Path.Combine(CorruptDirectory, Path.GetFileName(path));
        var suffix = 1;
        while (File.Exists(destination))
        {
            destination = Path.Combine(CorruptDirectory, $"{Path.GetFileName(path)}.{suffix}");
            suffix++;
        }

        return destination;
    }
}
