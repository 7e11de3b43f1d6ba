using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tern.Queue;

/// <summary>
/// Delivers due queue entries through an <see cref="IDeliveryAgent"/>, records each recipient's
/// outcome, schedules retries with exponential backoff, and removes finished entries.
/// </summary>
/// <remarks>
/// An entry is due when it is not held and has a pending recipient, or a deferred recipient whose
/// next attempt time has come. <see cref="Notify"/> starts a scan at once; otherwise the runner
/// scans when the earliest deferred recipient is due, and at least every poll interval.
/// </remarks>
public sealed class QueueRunner : IDisposable
{
    private readonly IQueueStore _store;
    private readonly IDeliveryAgent _agent;
    private readonly QueueRunnerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IBounceNotifier? _bounceNotifier;
    private readonly SemaphoreSlim _deliverySlots;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Entries in delivery now, so that a scan does not start a second delivery of the same entry.
    private readonly ConcurrentDictionary<QueueId, bool> _inDelivery = new();
    private readonly ConcurrentDictionary<Task, bool> _deliveries = new();

    /// <param name="store">The queue.</param>
    /// <param name="agent">Delivers the due recipients of each entry.</param>
    /// <param name="options">Scheduling settings; validated here.</param>
    /// <param name="timeProvider">The clock; the system clock when null.</param>
    /// <param name="logger">The logger; none when null.</param>
    /// <param name="bounceNotifier">Sends delivery status notifications for bounced recipients; none are sent when null.</param>
    public QueueRunner(
        IQueueStore store,
        IDeliveryAgent agent,
        QueueRunnerOptions options,
        TimeProvider? timeProvider = null,
        ILogger<QueueRunner>? logger = null,
        IBounceNotifier? bounceNotifier = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _agent = agent;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<QueueRunner>.Instance;
        _bounceNotifier = bounceNotifier;
        _deliverySlots = new SemaphoreSlim(options.MaxConcurrentDeliveries, options.MaxConcurrentDeliveries);
    }

    /// <summary>Wakes the runner to scan the queue now. Safe to call from any thread, any number of times.</summary>
    public void Notify() => _wake.Writer.TryWrite(true);

    /// <summary>
    /// Scans and delivers until <paramref name="cancellationToken"/> is cancelled, then waits for
    /// the deliveries in progress, which see the same token, and returns.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Log.RunnerStarted(_logger, _options.MaxConcurrentDeliveries, _options.PollInterval);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var wait = await StartDueDeliveriesAsync(cancellationToken);
                await WaitForWakeAsync(wait, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        await Task.WhenAll(_deliveries.Keys);
        Log.RunnerStopped(_logger);
    }

    /// <summary>Releases the delivery slots. Call it after <see cref="RunAsync"/> has returned.</summary>
    public void Dispose() => _deliverySlots.Dispose();

    /// <summary>Runs one scan and waits until every delivery it started has finished.</summary>
    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await StartDueDeliveriesAsync(cancellationToken);
        await Task.WhenAll(_deliveries.Keys);
    }

    /// <summary>Starts a delivery for every due entry and returns how long to wait before the next scan.</summary>
    private async Task<TimeSpan> StartDueDeliveriesAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var nextDue = now + _options.PollInterval;
        try
        {
            // NOTE: every scan reads every envelope, so a large backlog of deferred mail makes scans
            // slow; an in-memory schedule would avoid that.
            await foreach (var entry in _store.ListAsync(cancellationToken))
            {
                if (entry.Held || _inDelivery.ContainsKey(entry.Id))
                {
                    continue;
                }

                var due = NextAttemptTime(entry, now);
                if (due is null)
                {
                    continue;
                }

                if (due > now)
                {
                    nextDue = due.Value < nextDue ? due.Value : nextDue;
                    continue;
                }

                await _deliverySlots.WaitAsync(cancellationToken);
                StartDelivery(entry.Id, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.QueueScanFailed(_logger, _options.PollInterval, ex);
        }

        var wait = nextDue - _timeProvider.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    /// <summary>Returns the earliest time a recipient of the entry is due, or null when none is unfinished.</summary>
    private static DateTimeOffset? NextAttemptTime(QueueEntry entry, DateTimeOffset now)
    {
        DateTimeOffset? earliest = null;
        foreach (var recipient in entry.Recipients)
        {
            if (!recipient.IsUnfinished)
            {
                continue;
            }

            var due = recipient.IsDue(now) ? now : recipient.NextAttemptAt!.Value;
            earliest = earliest is null || due < earliest ? due : earliest;
        }

        return earliest;
    }

    /// <summary>Starts the delivery of one entry; the caller has taken a delivery slot for it.</summary>
    private void StartDelivery(QueueId id, CancellationToken cancellationToken)
    {
        _inDelivery[id] = true;
        var delivery = Task.Run(async () =>
        {
            try
            {
                await DeliverEntryAsync(id, cancellationToken);
            }
            finally
            {
                _inDelivery.TryRemove(id, out _);
                _deliverySlots.Release();
            }
        }, CancellationToken.None);

        _deliveries[delivery] = true;
        _ = delivery.ContinueWith(finished => _deliveries.TryRemove(finished, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task DeliverEntryAsync(QueueId id, CancellationToken cancellationToken)
    {
        try
        {
            // Read the entry again: the scan's copy may be stale, and an operator may have held or deleted it.
            QueueEntry? entry;
            try
            {
                entry = await _store.GetAsync(id, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.EntryReadFailed(_logger, id, ex);
                return;
            }

            if (entry is null || entry.Held)
            {
                return;
            }

            var now = _timeProvider.GetUtcNow();
            var dueIndexes = Enumerable.Range(0, entry.Recipients.Count).Where(i => entry.Recipients[i].IsDue(now)).ToArray();
            if (dueIndexes.Length == 0)
            {
                return;
            }

            var results = await AttemptDeliveryAsync(entry, dueIndexes, cancellationToken);
            try
            {
                await RecordResultsAsync(entry, dueIndexes, results, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.RecordResultsFailed(_logger, id, ex);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // RFC 5321 section 6.1 prefers a duplicate to a lost message: a recipient delivered just
            // before the shutdown but not yet recorded is delivered again after the restart.
            Log.DeliveryInterrupted(_logger, id);
        }
    }

    private async Task<IReadOnlyList<DeliveryResult>> AttemptDeliveryAsync(QueueEntry entry, int[] dueIndexes, CancellationToken cancellationToken)
    {
        var recipients = dueIndexes.Select(i => entry.Envelope.Recipients[i]).ToArray();
        var request = new DeliveryRequest(entry, recipients, token => _store.OpenContentAsync(entry.Id, token));
        try
        {
            var results = await _agent.DeliverAsync(request, cancellationToken);
            if (results.Count != recipients.Length)
            {
                throw new InvalidOperationException(
                    $"The delivery agent returned {results.Count} results for {recipients.Length} recipients.");
            }

            return results;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.DeliveryAgentFailed(_logger, entry.Id, recipients.Length, ex);
            var deferred = DeliveryResult.Deferred("none", "4.3.0", "451 4.3.0 Delivery failed with an internal error");
            return recipients.Select(_ => deferred).ToArray();
        }
    }

    private async Task RecordResultsAsync(QueueEntry entry, int[] dueIndexes, IReadOnlyList<DeliveryResult> results, CancellationToken cancellationToken)
    {
        var finishedAt = _timeProvider.GetUtcNow();
        var delay = (finishedAt - entry.Envelope.ArrivalTime).TotalSeconds;
        var recipients = entry.Recipients.ToArray();
        var bounced = new List<BouncedRecipient>();
        for (var k = 0; k < dueIndexes.Length; k++)
        {
            var i = dueIndexes[k];
            var (status, logged) = ApplyResult(recipients[i], results[k], entry.Envelope.ArrivalTime, finishedAt);
            recipients[i] = status;
            var statusWord = StatusWord(logged.Status);
            Log.DeliveryAttempt(_logger, entry.Id, status.Address, logged.Relay, delay, logged.EnhancedStatusCode, statusWord, logged.Reply);

            if (status.State == RecipientState.Bounced)
            {
                bounced.Add(new BouncedRecipient(entry.Envelope.Recipients[i], logged));
            }
        }

        // The notification is queued before the bounces are recorded: after a crash in between, the
        // recipients bounce again and the sender may get two notifications, but never none.
        if (bounced.Count > 0 && _bounceNotifier is not null)
        {
            await NotifyBouncesAsync(entry, bounced, finishedAt, cancellationToken);
        }

        if (recipients.Any(recipient => recipient.IsUnfinished))
        {
            // An operator may have held or deleted the entry during the attempt: keep the held flag,
            // and do not bring a deleted entry back.
            var current = await _store.GetAsync(entry.Id, cancellationToken);
            if (current is null)
            {
                return;
            }

            await _store.UpdateAsync(entry with { Recipients = recipients, Held = current.Held }, cancellationToken);
        }
        else if (await _store.DeleteAsync(entry.Id, cancellationToken))
        {
            Log.EntryRemoved(_logger, entry.Id);
        }
    }

    private async Task NotifyBouncesAsync(QueueEntry entry, List<BouncedRecipient> bounced, DateTimeOffset bouncedAt, CancellationToken cancellationToken)
    {
        try
        {
            await _bounceNotifier!.NotifyAsync(entry, bounced, bouncedAt, cancellationToken);

            // The notification is a new queue entry, due at once.
            Notify();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.BounceNotificationFailed(_logger, entry.Id, bounced.Count, ex);
        }
    }

    /// <summary>
    /// Returns the recipient's new status and the result to log. A deferral turns into a bounce once
    /// the message is older than the maximal queue lifetime.
    /// </summary>
    private (QueueRecipientStatus Status, DeliveryResult Logged) ApplyResult(
        QueueRecipientStatus recipient, DeliveryResult result, DateTimeOffset arrivalTime, DateTimeOffset now)
    {
        var attempts = recipient.Attempts + 1;
        switch (result.Status)
        {
            case DeliveryStatus.Delivered:
                return (recipient with { State = RecipientState.Delivered, Attempts = attempts, NextAttemptAt = null, LastReply = result.Reply }, result);

            case DeliveryStatus.Bounced:
                return (recipient with { State = RecipientState.Bounced, Attempts = attempts, NextAttemptAt = null, LastReply = result.Reply }, result);
        }

        var expiresAt = arrivalTime + _options.MaximalQueueLifetime;
        if (now >= expiresAt)
        {
            // RFC 3463 X.4.7: delivery time expired. The last reply is kept for the bounce.
            var expired = DeliveryResult.Bounced(result.Relay, "4.4.7", $"delivery time expired: {result.Reply}");
            return (recipient with { State = RecipientState.Bounced, Attempts = attempts, NextAttemptAt = null, LastReply = result.Reply }, expired);
        }

        // The last retry is moved to the expiry time, so that the message is tried once more before it bounces.
        var next = now + _options.BackoffAfter(attempts);
        next = next < expiresAt ? next : expiresAt;
        return (recipient with { State = RecipientState.Deferred, Attempts = attempts, NextAttemptAt = next, LastReply = result.Reply }, result);
    }

    private static string StatusWord(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Delivered => "sent",
        DeliveryStatus.Deferred => "deferred",
        _ => "bounced",
    };

    private async Task WaitForWakeAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var woken = _wake.Reader.WaitToReadAsync(stopWaiting.Token).AsTask();
        var elapsed = Task.Delay(wait, _timeProvider, stopWaiting.Token);
        await Task.WhenAny(woken, elapsed);
        await stopWaiting.CancelAsync();
        _wake.Reader.TryRead(out _);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
