using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Tern.Queue.Tests;

public sealed class FileQueueStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TemporaryDirectory _data = new();
    private readonly FakeTimeProvider _time = new(Start);

    private string QueueDirectory => Path.Combine(_data.Path, "queue");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Commit_ThenReopen_FindsEntry()
    {
        var envelope = QueueTestData.Envelope(Start, "alice@example.com", "bob@example.com") with
        {
            Recipients =
            [
                new QueueRecipient { Address = "alice@example.com", DsnNotify = "SUCCESS,DELAY", DsnOriginalRecipient = "rfc822;alice@example.com" },
                new QueueRecipient { Address = "bob@example.com" },
            ],
            DsnReturn = "HDRS",
            DsnEnvelopeId = "QQ314159",
            BodyType = MessageBodyType.EightBitMime,
            SmtpUtf8 = true,
            AuthenticatedUser = "carol",
        };
        const string Content = "Subject: persisted\r\n\r\nbody\r\n";

        QueueId id;
        using (var store = FileQueueStore.Open(_data.Path, timeProvider: _time))
        {
            id = await QueueTestData.CommitAsync(store, envelope, Content);
        }

        using var reopened = FileQueueStore.Open(_data.Path, timeProvider: _time);
        var entry = await reopened.GetAsync(id, CancellationToken.None);

        Assert.NotNull(entry);
        Assert.Equal(id, entry.Id);
        Assert.Equal(envelope with { Size = Content.Length, Recipients = entry.Envelope.Recipients }, entry.Envelope);
        Assert.Equal(envelope.Recipients, entry.Envelope.Recipients);
        Assert.All(entry.Recipients, recipient => Assert.Equal(RecipientState.Pending, recipient.State));
        Assert.Equal(["alice@example.com", "bob@example.com"], entry.Recipients.Select(recipient => recipient.Address));
        Assert.False(entry.Held);
        await using var stream = await reopened.OpenContentAsync(id, CancellationToken.None);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        Assert.Equal(Content, await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Commit_IdTextIsFileName()
    {
        using var store = FileQueueStore.Open(_data.Path, timeProvider: _time);

        var id = await QueueTestData.CommitAsync(store, QueueTestData.Envelope(Start, "a@example.com"));

        Assert.True(File.Exists(Path.Combine(QueueDirectory, "envelopes", id + ".json")));
        Assert.True(File.Exists(Path.Combine(QueueDirectory, "content", id + ".eml")));
        Assert.Empty(Directory.GetFiles(Path.Combine(QueueDirectory, "tmp")));
        Assert.Equal(Start, id.Timestamp);
    }

    [Fact]
    public async Task Dispose_WithoutCommit_LeavesNothing()
    {
        using var store = FileQueueStore.Open(_data.Path, timeProvider: _time);

        await using (var writer = await store.CreateAsync(QueueTestData.Envelope(Start, "a@example.com"), CancellationToken.None))
        {
            await writer.Content.WriteAsync(Encoding.ASCII.GetBytes("Subject: dropped\r\n\r\n"));
        }

        var files = Directory.GetFiles(QueueDirectory, "*", SearchOption.AllDirectories);
        Assert.Equal([Path.Combine(QueueDirectory, "lock")], files);
        Assert.Empty(await ListAsync(store));
    }

    [Fact]
    public async Task Commit_IoError_ThrowsAndDisposeRemovesFiles()
    {
        using var store = FileQueueStore.Open(_data.Path, timeProvider: _time);
        var writer = await store.CreateAsync(QueueTestData.Envelope(Start, "a@example.com"), CancellationToken.None);
        await writer.Content.WriteAsync(Encoding.ASCII.GetBytes("Subject: lost\r\n\r\n"));

        // The content rename fails when its target directory is gone.
        Directory.Delete(Path.Combine(QueueDirectory, "content"));

        await Assert.ThrowsAnyAsync<IOException>(async () => await writer.CommitAsync(CancellationToken.None));
        await writer.DisposeAsync();

        Assert.Empty(Directory.GetFiles(Path.Combine(QueueDirectory, "tmp")));
        Assert.Empty(Directory.GetFiles(Path.Combine(QueueDirectory, "envelopes")));
    }

    [Fact]
    public async Task Commit_Twice_Throws()
    {
        using var store = FileQueueStore.Open(_data.Path, timeProvider: _time);
        await using var writer = await store.CreateAsync(QueueTestData.Envelope(Start, "a@example.com"), CancellationToken.None);
        await writer.CommitAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.CommitAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Create_NoRecipients_Throws()
    {
        using var store = FileQueueStore.Open(_data.Path, timeProvider: _time);

        await Assert.ThrowsAsync<ArgumentException>(async () => await store.CreateAsync(QueueTestData.Envelope(Start), CancellationToken.None));
    }

    [Fact]
    public async Task Open_AfterCrash_RemovesUncommittedFiles()
    {
        QueueId committed;
        using (var store = FileQueueStore.Open(_data.Path, timeProvider: _time))
        {
            committed = await QueueTestData.CommitAsync(store, QueueTestData.Envelope(Start, "a@example.com"));
        }

        // A crash between the content rename and the envelope rename, and one while writing.
        var orphan = new QueueId(committed.Value + 1);
        var orphanContent = Path.Combine(QueueDirectory, "content", orphan + ".eml");
        File.WriteAllText(orphanContent, "Subject: half\r\n");
        var temporaryContent = Path.Combine(QueueDirectory, "tmp", new QueueId(committed.Value + 2) + ".eml");
        var temporaryEnvelope = Path.Combine(QueueDirectory, "tmp", new QueueId(committed.Value + 2) + ".json");
        File.WriteAllText(temporaryContent, "Subject: partial");
        File.WriteAllText(temporaryEnvelope, "{\"vers");
        var logger = new ListLogger<FileQueueStore>();

        using var reopened = FileQueueStore.Open(_data.Path, logger, _time);

        Assert.False(File.Exists(orphanContent));
        Assert.False(File.Exists(temporaryContent));
        Assert.False(File.Exists(temporaryEnvelope));
        Assert.Equal([committed], (await ListAsync(reopened)).Select(entry => entry.Id));
        Assert.Contains(logger.Messages, message => message.Contains("1 entries, 3 files of uncommitted messages removed, 0 corrupt", StringComparison.Ordinal));

        // Ids seen on disk are never issued again, even when the clock is behind them.
        var next = await reopened.CreateAsync(QueueTestData.Envelope(Start, "a@example.com"), CancellationToken.None);
        await next.DisposeAsync();
        Assert.True(next.Id > new QueueId(committed.Value + 1));
    }

    [Fact]
    public async Task Open_CorruptEnvelope_MovedAside()
    {
        QueueId good;
        QueueId damaged;
        using (var store = FileQueueStore.Open(_data.Path, timeProvider: _time))
        {
            good = await QueueTestData.CommitAsync(store, QueueTestData.Envelope(Start, "a@example.com"));
            damaged = await QueueTestData.CommitAsync(store, QueueTestData.Envelope(Start, "b@example.com"));
        }

        var damagedPath = Path.Combine(QueueDirectory, "envelopes", damaged + ".json");
        File.WriteAllText(damagedPath, "{\"version\": 1, \"entry\": {\"id\": ");
        var logger = new ListLogger<FileQueueStore>();

        using var reopened = FileQueueStore.Open(_data.Path, logger, _time);

        Assert.Equal([good], (await ListAsync(reopened)).Select(entry => entry.Id));
        Assert.False(File.Exists(damagedPath));
        Assert.True(File.Exists(Path.Combine(QueueDirectory, "corrupt", damaged + ".json")));
        Assert.True(File.Exists(Path.Combine(QueueDirectory, "corrupt", damaged + ".eml")));
        Assert.Contains(logger.Messages, message => message.Contains($"{damaged}.json", StringComparison.Ordinal) && message.Contains("invalid JSON", StringComparison.Ordinal));
        Assert.Contains(3002, logger.EventIds);
    }

    [Theory]
    [InlineData("{\"version\": 2, \"entry\": null}", "unsupported format version 2")]
    [InlineData("null", "JSON null")]
    [InlineData("{\"version\": 1}", "invalid JSON")]
    public async Task Open_InvalidEnvelopeContent_MovedAsideWithReason(string json, string reason)
    {
        QueueId id;
        using (var store = FileQueueStore.Open(_data.Path, timeProvider: _time))
        {
            id = await QueueTestData.CommitAsync(store, QueueTestData.Envelope(Start, "a@example.com"));
        }

        File.WriteAllText(Path.Combine(QueueDirectory, "envelopes", id + ".json"), json);
        var logger = new ListLogger<FileQueueStore>();

        using var reopened = FileQueueStore.Open(_data.Path, logger, _time);

        Assert.Empty(await ListAsync(reopened));
        Assert.Contains(logger.Messages, message => message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Open_EnvelopeForOtherId_MovedAside()
    {
        QueueId first;
        QueueId second;
        using (var store = FileQueueStore.Open(_data.Path, timeProvider: _time))
        {
            first = await QueueTestData.CommitAsync(store, QueueTestData.Envelope(Start, "a@example.com"));
            second = await QueueTestData.CommitAsync(store, QueueTestData.Envelope(Start, "b@example.com"));
        }

        File.Copy(Path.Combine(QueueDirectory, "envelopes", first + ".json"), Path.Combine(QueueDirectory, "envelopes", second + ".json"), overwrite: true);
        var logger = new ListLogger<FileQueueStore>();

        using var reopened = FileQueueStore.Open(_data.Path, logger, _time);

        Assert.Equal([first], (await ListAsync(reopened)).Select(entry => entry.Id));
        Assert.Contains(logger.Messages, message => message.Contains($"named for queue id {second}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Open_EnvelopeWithoutContent_MovedAside()
    {
        QueueId id;
        using (var store = FileQueueStore.Open(_data.Path, timeProvider: _time))
        {
            id = await QueueTestData.CommitAsync(store, QueueTestData.Envelope(Start, "a@example.com"));
        }

        File.Delete(Path.Combine(QueueDirectory, "content", id + ".eml"));

        using var reopened = FileQueueStore.Open(_data.Path, timeProvider: _time);

        Assert.Empty(await ListAsync(reopened));
        Assert.True(File.Exists(Path.Combine(QueueDirectory, "corrupt", id + ".json")));
    }

    [Fact]
    public async Task Open_StrayFileInEnvelopes_MovedAside()
    {
        using (FileQueueStore.Open(_data.Path, timeProvider: _time))
        {
        }

        File.WriteAllText(Path.Combine(QueueDirectory, "envelopes", "notes.txt"), "x");

        using var reopened = FileQueueStore.Open(_data.Path, timeProvider: _time);

        Assert.Empty(await ListAsync(reopened));
        Assert.True(File.Exists(Path.Combine(QueueDirectory, "corrupt", "notes.txt")));
    }

    [Fact]
    public async Task Update_SurvivesReopen()
    {
        QueueId id;
        var next = Start.AddMinutes(5);
        using (var store = FileQueueStore.Open(_data.Path, timeProvider: _time))
        {
            id = await QueueTestData.CommitAsync(store, QueueTestData.Envelope(Start, "a@example.com", "b@example.com"));
            var entry = (await store.GetAsync(id, CancellationToken.None))!;
            var updated = entry with
            {
                Held = true,
                Recipients =
                [
                    entry.Recipients[0] with { State = RecipientState.Delivered, Attempts = 1, LastReply = "delivered to maildir" },
                    entry.Recipients[1] with { State = RecipientState.Deferred, Attempts = 1, NextAttemptAt = next, LastReply = "451 4.4.0 try later" },
                ],
            };
            await store.UpdateAsync(updated, CancellationToken.None);
        }

        using var reopened = FileQueueStore.Open(_data.Path, timeProvider: _time);
        var stored = await reopened.GetAsync(id, CancellationToken.None);

        Assert.NotNull(stored);
        Assert.True(stored.Held);
        Assert.Equal(RecipientState.Delivered, stored.Recipients[0].State);
        Assert.Equal("delivered to maildir", stored.Recipients[0].LastReply);
        Assert.Equal(RecipientState.Deferred, stored.Recipients[1].State);
        Assert.Equal(1, stored.Recipients[1].Attempts);
        Assert.Equal(next, stored.Recipients[1].NextAttemptAt);
        Assert.Equal("451 4.4.0 try later", stored.Recipients[1].LastReply);
        Assert.Empty(Directory.GetFiles(Path.Combine(QueueDirectory, "tmp")));
    }

    [Fact]
    public async Task Update_MissingEntry_ThrowsKeyNotFound()
    {
        using var store = FileQueueStore.Open(_data.Path, timeProvider: _time);
        var entry = QueueEntry.Create(new QueueId(42), QueueTestData.Envelope(Start, "a@example.com"));

        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await store.UpdateAsync(entry, CancellationToken.None));
    }

    [Fact]
    public async Task Update_MismatchedRecipients_Throws()
    {
        using var store = FileQueueStore.Open(_data.Path, timeProvider: _time);
        var id = await QueueTestData.CommitAsync(store, QueueTestData.Envelope(Start, "a@example.com"));
        var entry = (await store.GetAsync(id, CancellationToken.None))!;

        var exception = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await store.UpdateAsync(entry with { Recipients = [] }, CancellationToken.None));

        Assert.Contains("0 recipient statuses for 1 envelope recipients", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_RemovesEnvelopeAndContent()
    {
        using var store = FileQueueStore.Open(_data.Path, timeProvider: _time);
        var id = await QueueTestData.CommitAsync(store, QueueTestData.Envelope(Start, "a@example.com"));

        Assert.True(await store.DeleteAsync(id, CancellationToken.None));

        Assert.False(await store.DeleteAsync(id, CancellationToken.None));
        Assert.Null(await store.GetAsync(id, CancellationToken.None));
        Assert.Empty(Directory.GetFiles(Path.Combine(QueueDirectory, "content")));
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await store.OpenContentAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task List_ReturnsOldestFirst()
    {
        using var store = FileQueueStore.Open(_data.Path, timeProvider: _time);
        var ids = new List<QueueId>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await QueueTestData.CommitAsync(store, QueueTestData.Envelope(Start, $"r{i}@example.com")));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var listed = (await ListAsync(store)).Select(entry => entry.Id).ToList();

        Assert.Equal(ids, listed);
    }

    [Fact]
    public async Task Commit_ConcurrentWriters_AllStored()
    {
        using var store = FileQueueStore.Open(_data.Path, timeProvider: _time);

        var ids = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => QueueTestData.CommitAsync(store, QueueTestData.Envelope(Start, $"r{i}@example.com")))));

        Assert.Equal(16, ids.Distinct().Count());
        Assert.Equal(16, (await ListAsync(store)).Count);
    }

    [Fact]
    public void Open_SecondOwner_Rejected()
    {
        using var store = FileQueueStore.Open(_data.Path, timeProvider: _time);

        var exception = Assert.Throws<IOException>(() => FileQueueStore.Open(_data.Path, timeProvider: _time));

        Assert.Contains("Failed to lock the queue", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenShared_WithOwner_KeepsTmpFiles()
    {
        using var owner = FileQueueStore.Open(_data.Path, timeProvider: _time);
        var id = await QueueTestData.CommitAsync(owner, QueueTestData.Envelope(Start, "a@example.com"));
        await using var inProgress = await owner.CreateAsync(QueueTestData.Envelope(Start, "b@example.com"), CancellationToken.None);

        using var shared = FileQueueStore.OpenShared(_data.Path);

        Assert.Equal([id], (await ListAsync(shared)).Select(entry => entry.Id));
        Assert.True(File.Exists(Path.Combine(QueueDirectory, "tmp", inProgress.Id + ".eml")));
    }

    [Fact]
    public async Task OpenShared_MissingQueue_ListsEmpty()
    {
        using var shared = FileQueueStore.OpenShared(Path.Combine(_data.Path, "nothing-here"));

        Assert.Empty(await ListAsync(shared));
        Assert.Null(await shared.GetAsync(new QueueId(1), CancellationToken.None));
    }

    private static async Task<List<QueueEntry>> ListAsync(FileQueueStore store)
    {
        var entries = new List<QueueEntry>();
        await foreach (var entry in store.ListAsync(CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }
}
