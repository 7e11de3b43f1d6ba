using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tern.Queue;

/// <summary>
/// The default <see cref="IQueueStore"/>: one content file and one JSON envelope file per message,
/// under <c>&lt;data&gt;/queue</c>. Safe for concurrent use by many sessions and the runner.
/// </summary>
/// <remarks>
/// <para>
/// Layout: <c>tmp/</c> contains files being written, <c>content/&lt;id&gt;.eml</c> the message bytes,
/// <c>envelopes/&lt;id&gt;.json</c> the envelope with the delivery state, and <c>corrupt/</c> the
/// envelopes that failed to load. The envelope file is the commit record. A commit renames the
/// content into place first and the envelope last, so a content file without an envelope is left
/// over from a crash and is removed at start-up.
/// </para>
/// <para>
/// The server opens the queue with <see cref="Open"/>, which locks it and recovers from a crash.
/// Tools that inspect or change the queue of a running server use <see cref="OpenShared"/>.
/// </para>
/// </remarks>
public sealed partial class FileQueueStore : IQueueStore, IDisposable
{
    internal const string ContentExtension = ".eml";
    internal const string EnvelopeExtension = ".json";
    private const int EntryLockCount = 64;
    private const int ContentBufferSize = 64 * 1024;

    private readonly QueueIdGenerator _ids;
    private readonly bool _isOwner;

    // Updates and deletes of one entry are serialized. Entries share these locks by id.
    private readonly SemaphoreSlim[] _entryLocks;
    private FileStream? _ownerLock;

    private FileQueueStore(string dataDirectory, ILogger? logger, TimeProvider? timeProvider, bool isOwner)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        QueueDirectory = Path.GetFullPath(Path.Combine(dataDirectory, "queue"));
        TemporaryDirectory = Path.Combine(QueueDirectory, "tmp");
        ContentDirectory = Path.Combine(QueueDirectory, "content");
        EnvelopeDirectory = Path.Combine(QueueDirectory, "envelopes");
        CorruptDirectory = Path.Combine(QueueDirectory, "corrupt");
        Logger = logger ?? NullLogger.Instance;
        _ids = new QueueIdGenerator(timeProvider ?? TimeProvider.System);
        _isOwner = isOwner;
        _entryLocks = new SemaphoreSlim[EntryLockCount];
        for (var i = 0; i < _entryLocks.Length; i++)
        {
            _entryLocks[i] = new SemaphoreSlim(1, 1);
        }
    }

    /// <summary>The queue's root directory, <c>&lt;data&gt;/queue</c>.</summary>
    public string QueueDirectory { get; }

    internal string TemporaryDirectory { get; }

    internal string ContentDirectory { get; }

    internal string EnvelopeDirectory { get; }

    internal string CorruptDirectory { get; }

    internal ILogger Logger { get; }

    /// <summary>
    /// Opens the queue under <paramref name="dataDirectory"/> as its owner: creates the directories,
    /// takes the lock file <c>queue/lock</c> for the life of the store, and recovers from a crash
    /// (removes uncommitted files, moves corrupt envelopes to <c>queue/corrupt</c>).
    /// </summary>
    /// <exception cref="IOException">Another process owns the queue, or the directories cannot be created.</exception>
    public static FileQueueStore Open(string dataDirectory, ILogger<FileQueueStore>? logger = null, TimeProvider? timeProvider = null)
    {
        var store = new FileQueueStore(dataDirectory, logger, timeProvider, isOwner: true);
        try
        {
            DurableDirectory.Create(store.TemporaryDirectory);
            DurableDirectory.Create(store.ContentDirectory);
            DurableDirectory.Create(store.EnvelopeDirectory);
            DurableDirectory.Create(store.CorruptDirectory);
            store._ownerLock = AcquireOwnerLock(Path.Combine(store.QueueDirectory, "lock"));
            store.Recover();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the queue under <paramref name="dataDirectory"/> next to a server that owns it, for
    /// tools such as <c>tern queue</c>. Takes no lock, runs no recovery and creates no directories:
    /// a missing queue lists as empty.
    /// </summary>
    public static FileQueueStore OpenShared(string dataDirectory, ILogger<FileQueueStore>? logger = null, TimeProvider? timeProvider = null) =>
        new(dataDirectory, logger, timeProvider, isOwner: false);

    public ValueTask<IQueueWriter> CreateAsync(QueueEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Recipients.Count == 0)
        {
            throw new ArgumentException("A queued message needs at least one recipient.", nameof(envelope));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var id = _ids.Next();
        var content = new FileStream(TemporaryContentPath(id), FileMode.CreateNew, FileAccess.Write, FileShare.None, ContentBufferSize);
        return ValueTask.FromResult<IQueueWriter>(new FileQueueWriter(this, id, envelope, content));
    }

    public async IAsyncEnumerable<QueueEntry> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var id in ListEnvelopeIds())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = await ReadEntryOrSkipAsync(id, cancellationToken);
            if (entry is not null)
            {
                yield return entry;
            }
        }
    }

    public async ValueTask<QueueEntry?> GetAsync(QueueId id, CancellationToken cancellationToken)
    {
        var path = EnvelopePath(id);
        var bytes = await ReadFileOrNullAsync(path, cancellationToken);
        if (bytes is null)
        {
            return null;
        }

        if (!TryParseEnvelope(id, bytes, out var entry, out var reason))
        {
            throw new InvalidDataException($"Queue envelope '{path}' is corrupt: {reason}");
        }

        return entry;
    }

    public ValueTask<Stream> OpenContentAsync(QueueId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = ContentPath(id);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, ContentBufferSize, FileOptions.SequentialScan);
            return ValueTask.FromResult(stream);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KeyNotFoundException($"Queue entry {id} has no content file '{path}'. It may have been delivered or deleted.", ex);
        }
    }

    public async ValueTask UpdateAsync(QueueEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry.Validate();

        var entryLock = EntryLock(entry.Id);
        await entryLock.WaitAsync(cancellationToken);
        var temporary = Path.Combine(TemporaryDirectory, $"{entry.Id}.{Guid.NewGuid():N}{EnvelopeExtension}");
        try
        {
            var path = EnvelopePath(entry.Id);
            if (!File.Exists(path))
            {
                throw new KeyNotFoundException($"Queue entry {entry.Id} was not found. It may have been delivered or deleted.");
            }

            await WriteEnvelopeFileAsync(temporary, entry, cancellationToken);

            // rename(2) replaces the old envelope atomically: a crash leaves either the old or the new state.
            File.Move(temporary, path, overwrite: true);
            DurableDirectory.Sync(EnvelopeDirectory);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }

            entryLock.Release();
        }
    }

    public async ValueTask<bool> DeleteAsync(QueueId id, CancellationToken cancellationToken)
    {
        var entryLock = EntryLock(id);
        await entryLock.WaitAsync(cancellationToken);
        try
        {
            var envelope = EnvelopePath(id);
            if (!File.Exists(envelope))
            {
                return false;
            }

            // The envelope goes first. A crash before the content is removed leaves content without
            // an envelope, which the next start-up removes.
            File.Delete(envelope);
            DurableDirectory.Sync(EnvelopeDirectory);
            File.Delete(ContentPath(id));
            return true;
        }
        finally
        {
            entryLock.Release();
        }
    }

    /// <summary>Releases the owner lock. Writers and streams still open keep working on their files.</summary>
    public void Dispose()
    {
        _ownerLock?.Dispose();
        _ownerLock = null;
    }

    internal string TemporaryContentPath(QueueId id) => Path.Combine(TemporaryDirectory, id + ContentExtension);

    internal string TemporaryEnvelopePath(QueueId id) => Path.Combine(TemporaryDirectory, id + EnvelopeExtension);

    internal string ContentPath(QueueId id) => Path.Combine(ContentDirectory, id + ContentExtension);

    internal string EnvelopePath(QueueId id) => Path.Combine(EnvelopeDirectory, id + EnvelopeExtension);

    /// <summary>Writes an envelope file that must not exist yet and syncs it to stable storage.</summary>
    internal static async ValueTask WriteEnvelopeFileAsync(string path, QueueEntry entry, CancellationToken cancellationToken)
    {
        var document = new QueueEntryDocument { Version = QueueEntryDocument.CurrentVersion, Entry = entry };
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        await JsonSerializer.SerializeAsync(stream, document, QueueJsonContext.Default.QueueEntryDocument, cancellationToken);
        stream.Flush(flushToDisk: true);
    }

    internal static bool TryParseEnvelope(QueueId expectedId, byte[] bytes, [NotNullWhen(true)] out QueueEntry? entry, [NotNullWhen(false)] out string? reason)
    {
        entry = null;
        QueueEntryDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, QueueJsonContext.Default.QueueEntryDocument);
        }
        catch (JsonException ex)
        {
            var version = ReadVersion(bytes);
            reason = version is not null and not QueueEntryDocument.CurrentVersion
                ? UnsupportedVersionReason(version.Value)
                : $"invalid JSON: {ex.Message}";
            return false;
        }

        if (document is null)
        {
            reason = "the file contains JSON null";
            return false;
        }

        if (document.Version != QueueEntryDocument.CurrentVersion)
        {
            reason = UnsupportedVersionReason(document.Version);
            return false;
        }

        if (document.Entry.Id != expectedId)
        {
            reason = $"the file is named for queue id {expectedId} but contains {document.Entry.Id}";
            return false;
        }

        try
        {
            document.Entry.Validate();
        }
        catch (ArgumentException ex)
        {
            reason = ex.Message;
            return false;
        }

        entry = document.Entry;
        reason = null;
        return true;
    }

    private static string UnsupportedVersionReason(int version) =>
        $"unsupported format version {version}; this version of Tern reads version {QueueEntryDocument.CurrentVersion}";

    /// <summary>Returns the top-level "version" number of an envelope file that failed to load, when there is one.</summary>
    private static int? ReadVersion(byte[] bytes)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isVersion = reader.ValueTextEquals("version"u8);
                reader.Read();
                if (isVersion && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var version))
                {
                    return version;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // The version came after the damage; report the JSON error instead.
        }

        return null;
    }

    internal static bool TryParseFileName(string fileName, string extension, out QueueId id)
    {
        id = default;
        return fileName.EndsWith(extension, StringComparison.Ordinal)
            && fileName.Length == QueueId.Length + extension.Length
            && QueueId.TryParse(fileName[..QueueId.Length], out id)
            && string.Equals(id.ToString(), fileName[..QueueId.Length], StringComparison.Ordinal);
    }

    private static FileStream AcquireOwnerLock(string path)
    {
        // On Unix .NET implements FileShare.None with flock(LOCK_EX | LOCK_NB), so a second owner
        // in this or another process fails here instead of recovering files that are in use.
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex.GetType() == typeof(IOException))
        {
            throw new IOException(
                $"Failed to lock the queue: {ex.Message} Another Tern server probably owns the queue in this data directory; stop it or use a different data directory.",
                ex);
        }
    }

    private static async ValueTask<byte[]?> ReadFileOrNullAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Reads an entry for listing; a corrupt one is moved aside (owner) or skipped (shared).</summary>
    private async ValueTask<QueueEntry?> ReadEntryOrSkipAsync(QueueId id, CancellationToken cancellationToken)
    {
        var path = EnvelopePath(id);
        var bytes = await ReadFileOrNullAsync(path, cancellationToken);
        if (bytes is null)
        {
            // Deleted since the directory was listed.
            return null;
        }

        if (TryParseEnvelope(id, bytes, out var entry, out var reason))
        {
            return entry;
        }

        if (_isOwner)
        {
            var entryLock = EntryLock(id);
            await entryLock.WaitAsync(cancellationToken);
            try
            {
                MoveCorruptEntryAside(id, path, reason);
            }
            finally
            {
                entryLock.Release();
            }
        }
        else
        {
            Log.SkippedUnreadableEnvelope(Logger, path, reason);
        }

        return null;
    }

    private List<QueueId> ListEnvelopeIds()
    {
        var ids = new List<QueueId>();
        if (!Directory.Exists(EnvelopeDirectory))
        {
            return ids;
        }

        foreach (var path in Directory.EnumerateFiles(EnvelopeDirectory))
        {
            if (TryParseFileName(Path.GetFileName(path), EnvelopeExtension, out var id))
            {
                ids.Add(id);
            }
        }

        ids.Sort();
        return ids;
    }

    private SemaphoreSlim EntryLock(QueueId id) => _entryLocks[(int)(id.Value % EntryLockCount)];
}
