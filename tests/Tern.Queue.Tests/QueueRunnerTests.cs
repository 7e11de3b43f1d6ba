using Microsoft.Extensions.Time.Testing;

namespace Tern.Queue.Tests;

public sealed class QueueRunnerTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TemporaryDirectory _data = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly FileQueueStore _store;
    private readonly ScriptedAgent _agent = new();
    private readonly ListLogger<QueueRunner> _logger = new();
    private readonly QueueRunner _runner;

    public QueueRunnerTests()
    {
        _store = FileQueueStore.Open(_data.Path, timeProvider: _time);
        _runner = new QueueRunner(_store, _agent, new QueueRunnerOptions(), _time, _logger);
    }

    public void Dispose()
    {
        _runner.Dispose();
        _store.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task RunOnce_Delivered_RemovesEntryAndLogs()
    {
        var id = await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com"));
        _time.Advance(TimeSpan.FromSeconds(1.25));

        await _runner.RunOnceAsync(CancellationToken.None);

        Assert.Null(await _store.GetAsync(id, CancellationToken.None));
        Assert.Equal(["a@example.com"], _agent.Attempts.Select(attempt => attempt.Recipient));
        Assert.Contains($"{id}: to=<a@example.com>, relay=local, delay=1.25, dsn=2.0.0, status=sent (delivered to maildir)", _logger.Messages);
        Assert.Contains($"{id}: removed", _logger.Messages);
    }

    [Fact]
    public async Task RunOnce_Deferred_BacksOffExponentially()
    {
        _agent.Script["a@example.com"] = DeliveryResult.Deferred("none", "4.4.0", "451 4.4.0 try later");
        var id = await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com"));
        var expectedDelays = new[] { 5, 10, 20, 40, 60, 60 };

        foreach (var minutes in expectedDelays)
        {
            var attemptedAt = _time.GetUtcNow();
            await _runner.RunOnceAsync(CancellationToken.None);

            var status = Assert.Single((await _store.GetAsync(id, CancellationToken.None))!.Recipients);
            Assert.Equal(RecipientState.Deferred, status.State);
            Assert.Equal(attemptedAt.AddMinutes(minutes), status.NextAttemptAt);
            Assert.Equal("451 4.4.0 try later", status.LastReply);

            // Not due a second before the scheduled time.
            _time.Advance(TimeSpan.FromMinutes(minutes) - TimeSpan.FromSeconds(1));
            var attemptsBefore = _agent.Attempts.Count;
            await _runner.RunOnceAsync(CancellationToken.None);
            Assert.Equal(attemptsBefore, _agent.Attempts.Count);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(expectedDelays.Length, _agent.Attempts.Count);
        Assert.Equal(expectedDelays.Length, (await _store.GetAsync(id, CancellationToken.None))!.Recipients[0].Attempts);
        Assert.Contains(_logger.Messages, message => message.EndsWith("dsn=4.4.0, status=deferred (451 4.4.0 try later)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunOnce_DeferredPastLifetime_BouncesAndRemoves()
    {
        _agent.Script["a@example.com"] = DeliveryResult.Deferred("none", "4.4.0", "451 4.4.0 try later");
        var id = await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com"));
        await _runner.RunOnceAsync(CancellationToken.None);

        // Five minutes before expiry the second attempt would schedule a retry 10 minutes later;
        // the retry is moved to the expiry time instead.
        _time.Advance(TimeSpan.FromDays(5) - TimeSpan.FromMinutes(5));
        await _runner.RunOnceAsync(CancellationToken.None);
        var status = (await _store.GetAsync(id, CancellationToken.None))!.Recipients[0];
        Assert.Equal(Start.AddDays(5), status.NextAttemptAt);

        _time.Advance(TimeSpan.FromMinutes(5));
        await _runner.RunOnceAsync(CancellationToken.None);

        Assert.Null(await _store.GetAsync(id, CancellationToken.None));
        Assert.Equal(3, _agent.Attempts.Count);
        Assert.Contains(_logger.Messages, message => message.EndsWith("dsn=4.4.7, status=bounced (delivery time expired: 451 4.4.0 try later)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunOnce_Bounced_RemovesEntry()
    {
        _agent.Script["a@example.com"] = DeliveryResult.Bounced("local", "5.1.1", "550 5.1.1 Mailbox does not exist");
        var id = await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com"));

        await _runner.RunOnceAsync(CancellationToken.None);

        Assert.Null(await _store.GetAsync(id, CancellationToken.None));
        Assert.Contains(_logger.Messages, message => message.EndsWith("dsn=5.1.1, status=bounced (550 5.1.1 Mailbox does not exist)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunOnce_MixedOutcomes_RetriesOnlyDeferred()
    {
        _agent.Script["b@example.com"] = DeliveryResult.Deferred("none", "4.4.0", "451 4.4.0 try later");
        var id = await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com", "b@example.com"));

        await _runner.RunOnceAsync(CancellationToken.None);
        var entry = (await _store.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(RecipientState.Delivered, entry.Recipients[0].State);
        Assert.Equal(RecipientState.Deferred, entry.Recipients[1].State);

        _agent.Script.Clear();
        _time.Advance(TimeSpan.FromMinutes(5));
        await _runner.RunOnceAsync(CancellationToken.None);

        Assert.Equal(["a@example.com", "b@example.com", "b@example.com"], _agent.Attempts.Select(attempt => attempt.Recipient));
        Assert.Null(await _store.GetAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task RunOnce_HeldEntry_LeftAlone()
    {
        var id = await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com"));
        var entry = (await _store.GetAsync(id, CancellationToken.None))!;
        await _store.UpdateAsync(entry with { Held = true }, CancellationToken.None);

        await _runner.RunOnceAsync(CancellationToken.None);

        Assert.Empty(_agent.Attempts);
        Assert.Equal(RecipientState.Pending, (await _store.GetAsync(id, CancellationToken.None))!.Recipients[0].State);
    }

    [Fact]
    public async Task RunOnce_HeldDuringDelivery_StaysHeld()
    {
        _agent.Script["a@example.com"] = DeliveryResult.Deferred("none", "4.4.0", "451 4.4.0 try later");
        var id = await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com"));
        _agent.DuringDelivery = async () =>
        {
            var current = (await _store.GetAsync(id, CancellationToken.None))!;
            await _store.UpdateAsync(current with { Held = true }, CancellationToken.None);
        };

        await _runner.RunOnceAsync(CancellationToken.None);

        var entry = (await _store.GetAsync(id, CancellationToken.None))!;
        Assert.True(entry.Held);
        Assert.Equal(RecipientState.Deferred, entry.Recipients[0].State);
    }

    [Fact]
    public async Task RunOnce_DeletedDuringDelivery_NotRecreated()
    {
        _agent.Script["a@example.com"] = DeliveryResult.Deferred("none", "4.4.0", "451 4.4.0 try later");
        var id = await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com"));
        _agent.DuringDelivery = async () => await _store.DeleteAsync(id, CancellationToken.None);

        await _runner.RunOnceAsync(CancellationToken.None);

        Assert.Null(await _store.GetAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task RunOnce_AgentThrows_DefersAll()
    {
        _agent.Failure = new InvalidOperationException("agent broke");
        var id = await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com", "b@example.com"));

        await _runner.RunOnceAsync(CancellationToken.None);

        var entry = (await _store.GetAsync(id, CancellationToken.None))!;
        Assert.All(entry.Recipients, recipient => Assert.Equal(RecipientState.Deferred, recipient.State));
        Assert.All(entry.Recipients, recipient => Assert.Equal("451 4.3.0 Delivery failed with an internal error", recipient.LastReply));
        Assert.Contains(3104, _logger.EventIds);
    }

    [Fact]
    public async Task RunOnce_AgentReturnsTooFewResults_DefersAll()
    {
        _agent.DropLastResult = true;
        var id = await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com", "b@example.com"));

        await _runner.RunOnceAsync(CancellationToken.None);

        var entry = (await _store.GetAsync(id, CancellationToken.None))!;
        Assert.All(entry.Recipients, recipient => Assert.Equal(RecipientState.Deferred, recipient.State));
    }

    [Fact]
    public async Task RunOnce_ManyEntries_RespectsConcurrencyLimit()
    {
        using var runner = new QueueRunner(_store, _agent, new QueueRunnerOptions { MaxConcurrentDeliveries = 2 }, _time, _logger);
        _agent.Pause = TimeSpan.FromMilliseconds(100);
        for (var i = 0; i < 6; i++)
        {
            await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, $"r{i}@example.com"));
        }

        await runner.RunOnceAsync(CancellationToken.None);

        Assert.Equal(6, _agent.Attempts.Count);
        Assert.Equal(2, _agent.MaxConcurrent);
    }

    [Fact]
    public async Task RunAsync_Notify_DeliversWithoutWaitingForPoll()
    {
        using var runner = new QueueRunner(_store, _agent, new QueueRunnerOptions { PollInterval = TimeSpan.FromHours(1) }, _time, _logger);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);

        var id = await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com"));
        runner.Notify();

        // The fake clock never moves here, so only Notify can start the delivery.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await _store.GetAsync(id, CancellationToken.None) is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await running;
        Assert.Null(await _store.GetAsync(id, CancellationToken.None));
        Assert.Contains(3101, _logger.EventIds);
    }

    [Fact]
    public async Task RunAsync_DeferredEntry_WakesWhenDue()
    {
        _agent.Script["a@example.com"] = DeliveryResult.Deferred("none", "4.4.0", "451 4.4.0 try later");
        var id = await QueueTestData.CommitAsync(_store, QueueTestData.Envelope(Start, "a@example.com"));
        await _runner.RunOnceAsync(CancellationToken.None);
        _agent.Script.Clear();

        using var runner = new QueueRunner(_store, _agent, new QueueRunnerOptions { PollInterval = TimeSpan.FromHours(1) }, _time, _logger);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);

        // The runner sleeps until the retry time, so advancing the clock to it is enough.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await _store.GetAsync(id, CancellationToken.None) is not null && DateTime.UtcNow < deadline)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await running;
        Assert.Null(await _store.GetAsync(id, CancellationToken.None));
        Assert.True(_time.GetUtcNow() < Start.AddMinutes(30), "the retry waited for the poll interval");
    }

    [Fact]
    public void Options_BackoffAfter_DoublesUpToMaximum()
    {
        var options = new QueueRunnerOptions();

        var delays = Enumerable.Range(1, 8).Select(options.BackoffAfter).Select(delay => delay.TotalMinutes);

        Assert.Equal([5, 10, 20, 40, 60, 60, 60, 60], delays);
        Assert.Equal(TimeSpan.FromHours(1), options.BackoffAfter(int.MaxValue));
    }

    [Fact]
    public void Options_Invalid_Rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new QueueRunnerOptions { MaxConcurrentDeliveries = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new QueueRunnerOptions { PollInterval = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new QueueRunnerOptions { MaximalBackoff = TimeSpan.FromMinutes(1) }.Validate());
    }

    /// <summary>Delivers every recipient unless the script names another result for it.</summary>
    private sealed class ScriptedAgent : IDeliveryAgent
    {
        private readonly Lock _gate = new();
        private int _concurrent;

        public Dictionary<string, DeliveryResult> Script { get; } = [];

        public List<(QueueId Id, string Recipient)> Attempts { get; } = [];

        public Exception? Failure { get; set; }

        public bool DropLastResult { get; set; }

        public TimeSpan Pause { get; set; }

        public Func<Task>? DuringDelivery { get; set; }

        public int MaxConcurrent { get; private set; }

        public async ValueTask<IReadOnlyList<DeliveryResult>> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                _concurrent++;
                MaxConcurrent = Math.Max(MaxConcurrent, _concurrent);
                Attempts.AddRange(request.Recipients.Select(recipient => (request.Entry.Id, recipient.Address)));
            }

            try
            {
                if (Pause > TimeSpan.Zero)
                {
                    await Task.Delay(Pause, cancellationToken);
                }

                if (Failure is not null)
                {
                    throw Failure;
                }

                await using (await request.OpenContentAsync(cancellationToken))
                {
                }

                if (DuringDelivery is not null)
                {
                    await DuringDelivery();
                }

                var results = request.Recipients
                    .Select(recipient => Script.GetValueOrDefault(recipient.Address) ?? DeliveryResult.Delivered("local", "2.0.0", "delivered to maildir"))
                    .ToList();
                return DropLastResult ? results[..^1] : results;
            }
            finally
            {
                lock (_gate)
                {
                    _concurrent--;
                }
            }
        }
    }
}
