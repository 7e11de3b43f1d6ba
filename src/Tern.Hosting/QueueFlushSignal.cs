namespace Tern.Hosting;

/// <summary>
/// Wakes the queue runner of a running server from another process: <c>tern queue</c> creates the file
/// <c>queue/flush</c>, and the server watches for it, deletes it and runs the queue at once.
/// </summary>
public sealed class QueueFlushSignal : IDisposable
{
    private const string FileName = "flush";

    private readonly FileSystemWatcher _watcher;
    private readonly string _path;

    public QueueFlushSignal(string dataDirectory, Action onFlush)
    {
        var directory = Path.Combine(dataDirectory, "queue");
        _path = Path.Combine(directory, FileName);
        _watcher = new FileSystemWatcher(directory, FileName)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite,
        };
        _watcher.Created += (_, _) => Consume(onFlush);
        _watcher.Changed += (_, _) => Consume(onFlush);
        _watcher.EnableRaisingEvents = true;

        // A request left from before the start is served with the first scan anyway.
        File.Delete(_path);
    }

    /// <summary>Asks the server using <paramref name="dataDirectory"/> to run its queue now. Does nothing when no queue exists.</summary>
    public static void Send(string dataDirectory)
    {
        var directory = Path.Combine(dataDirectory, "queue");
        if (Directory.Exists(directory))
        {
            File.WriteAllText(Path.Combine(directory, FileName), string.Empty);
        }
    }

    public void Dispose() => _watcher.Dispose();

    private void Consume(Action onFlush)
    {
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // Another event for the same request got there first.
        }

        onFlush();
    }
}
