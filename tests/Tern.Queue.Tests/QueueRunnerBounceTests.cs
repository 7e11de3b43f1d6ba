using Microsoft.Extensions.Time.Testing;

namespace Tern.Queue.Tests;

public sealed class QueueRunnerBounceTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TemporaryDirectory _data = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly FileQueueStore _store;
    private readonly FixedAgent _agent = new();
    private readonly RecordingNotifier _notifier = new();
    private readonly QueueRunner _runner;

    public QueueRunnerBounceTests()
    {
        _store = FileQueueStore.Open(_data.Path, timeProvider: _time);
        _runner = new QueueRunner(_store, _agent, new QueueRunnerOptions(), _time, bounceNotifier: _notifier);
    }

    public void Dispose()
    {
        _runner.Dispose();
        _store.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Bounces_OneNotificationPerAttempt()
    {
        _agent.Results["a@example.com"] = DeliveryResult.Bounced("mx[192.0.2.1]:25", "5.1.1", "550 5.1.1 no such user");
        _agent.Results["b@example.com"] = DeliveryResult.Delivered("mx[192.0.2.1]:25", "2.0.0", "250 ok");
        _agent.Results["c@example.com"] = DeliveryResult.Bounced("mx[192.0.2.1]:25", "5.2.2", "552 5.2.2 mailbox full");
        var id = await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com", "b@example.com", "c@example.com"));

        await _runner.RunOnceAsync(CancellationToken.None);

        var call = Assert.Single(_notifier.Calls);
        Assert.Equal(id, call.Entry.Id);
        Assert.Equal(["a@example.com", "c@example.com"], call.Recipients.Select(r => r.Recipient.Address));
        Assert.Equal("5.1.1", call.Recipients[0].Result.EnhancedStatusCode);
        Assert.Null(await _store.GetAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task NoBounce_NoNotification()
    {
        _agent.Results["a@example.com"] = DeliveryResult.Deferred("none", "4.4.1", "451 4.4.1 later");
        await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com"));

        await _runner.RunOnceAsync(CancellationToken.None);

        Assert.Empty(_notifier.Calls);
    }

    [Fact]
    public async Task NotifierFailure_StillRecordsBounce()
    {
        _agent.Results["a@example.com"] = DeliveryResult.Bounced("none", "5.1.2", "550 5.1.2 no such domain");
        _notifier.Failure = new IOException("disk full");
        var id = await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com"));

        await _runner.RunOnceAsync(CancellationToken.None);

        Assert.Single(_notifier.Calls);
        Assert.Null(await _store.GetAsync(id, CancellationToken.None));
    }

    private sealed class FixedAgent : IDeliveryAgent
    {
        public Dictionary<string, DeliveryResult> Results { get; } = [];

        public ValueTask<IReadOnlyList<DeliveryResult>> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<DeliveryResult>>([.. request.Recipients.Select(r => Results[r.Address])]);
    }

    private sealed class RecordingNotifier : IBounceNotifier
    {
        public List<(QueueEntry Entry, IReadOnlyList<BouncedRecipient> Recipients)> Calls { get; } = [];

        public Exception? Failure { get; set; }

        public ValueTask NotifyAsync(QueueEntry entry, IReadOnlyList<BouncedRecipient> recipients, DateTimeOffset bouncedAt, CancellationToken cancellationToken)
        {
            Calls.Add((entry, recipients));
            return Failure is null ? ValueTask.CompletedTask : ValueTask.FromException(Failure);
        }
    }
}
