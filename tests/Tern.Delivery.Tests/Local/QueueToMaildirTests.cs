using System.Text;
using Microsoft.Extensions.Time.Testing;
using Tern.Delivery.Local;
using Tern.Queue;

namespace Tern.Delivery.Tests.Local;

/// <summary>The queue runner with the real file store and local delivery agent.</summary>
public sealed class QueueToMaildirTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TemporaryDirectory _data = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly FileQueueStore _store;
    private readonly QueueRunner _runner;

    public QueueToMaildirTests()
    {
        _store = FileQueueStore.Open(_data.Path, timeProvider: _time);
        var options = new LocalDeliveryOptions { MailDirectory = Path.Combine(_data.Path, "mail") };
        options.Domains["example.com"] = LocalDomain.WithUsers(["alice"]);
        _runner = new QueueRunner(_store, new LocalDeliveryAgent(options, timeProvider: _time), new QueueRunnerOptions(), _time);
    }

    public void Dispose()
    {
        _runner.Dispose();
        _store.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Run_LocalRecipient_DeliveredExactlyAndRemoved()
    {
        const string Content = "Received: from client.example.net\r\n\tby mx.example.com; Sun, 1 Mar 2026 12:00:00 +0000\r\nSubject: hi\r\n\r\n.line\r\n";
        var id = await CommitAsync(Content, "alice@example.com");

        await _runner.RunOnceAsync(CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(Path.Combine(_data.Path, "mail", "example.com", "alice", "new")));
        Assert.Equal(Encoding.ASCII.GetBytes("Return-Path: <sender@example.net>\r\n" + Content), await File.ReadAllBytesAsync(file));
        Assert.Null(await _store.GetAsync(id, CancellationToken.None));
        Assert.Empty(Directory.GetFiles(Path.Combine(_data.Path, "queue", "content")));
    }

    [Fact]
    public async Task Run_RemoteRecipient_DeferredWithBackoff()
    {
        var id = await CommitAsync("Subject: hi\r\n\r\n", "alice@example.com", "bob@example.org");

        await _runner.RunOnceAsync(CancellationToken.None);

        var entry = await _store.GetAsync(id, CancellationToken.None);
        Assert.NotNull(entry);
        Assert.Equal(RecipientState.Delivered, entry.Recipients[0].State);
        Assert.Equal(RecipientState.Deferred, entry.Recipients[1].State);
        Assert.Equal("451 4.3.5 Domain is not configured for local delivery", entry.Recipients[1].LastReply);
        Assert.Equal(Start.AddMinutes(5), entry.Recipients[1].NextAttemptAt);
        Assert.Single(Directory.GetFiles(Path.Combine(_data.Path, "mail", "example.com", "alice", "new")));
    }

    private async Task<QueueId> CommitAsync(string content, params string[] recipients)
    {
        var envelope = new QueueEnvelope
        {
            Sender = "sender@example.net",
            Recipients = recipients.Select(address => new QueueRecipient { Address = address }).ToArray(),
            ArrivalTime = _time.GetUtcNow(),
        };
        await using var writer = await _store.CreateAsync(envelope, CancellationToken.None);
        await writer.Content.WriteAsync(Encoding.ASCII.GetBytes(content));
        await writer.CommitAsync(CancellationToken.None);
        return writer.Id;
    }
}
