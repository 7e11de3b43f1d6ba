using Tern.Smtp.Client;

namespace Tern.Delivery.Remote;

/// <summary>
/// Keeps idle SMTP sessions for reuse by the next message to the same host, and limits the number of
/// concurrent deliveries per destination domain. A session is idle for at most the idle timeout;
/// a timer closes the ones past it.
/// </summary>
internal sealed class SmtpConnectionPool : IAsyncDisposable
{
    private readonly Dictionary<string, List<IdleSession>> _idle = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SemaphoreSlim> _destinationSlots = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _idleTimeout;
    private readonly int _maxPerDestination;
    private readonly ITimer _sweepTimer;
    private bool _disposed;

    public SmtpConnectionPool(TimeProvider timeProvider, TimeSpan idleTimeout, int maxPerDestination)
    {
        _timeProvider = timeProvider;
        _idleTimeout = idleTimeout;
        _maxPerDestination = maxPerDestination;
        _sweepTimer = timeProvider.CreateTimer(_ => _ = SweepAsync(), null, idleTimeout, idleTimeout);
    }

    /// <summary>Waits for a delivery slot of the destination domain; dispose the result to release it.</summary>
    public async Task<IDisposable> EnterDestinationAsync(string domain, CancellationToken cancellationToken)
    {
        SemaphoreSlim slots;
        lock (_lock)
        {
            if (!_destinationSlots.TryGetValue(domain, out slots!))
            {
                slots = new SemaphoreSlim(_maxPerDestination, _maxPerDestination);
                _destinationSlots[domain] = slots;
            }
        }

        await slots.WaitAsync(cancellationToken);
        return new Slot(slots);
    }

    /// <summary>Takes an idle session for the key, or returns null when there is none younger than the idle timeout.</summary>
    public SmtpClientSession? TakeIdle(string key)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (!_idle.TryGetValue(key, out var sessions))
            {
                return null;
            }

            while (sessions.Count > 0)
            {
                var idle = sessions[^1];
                sessions.RemoveAt(sessions.Count - 1);
                if (now - idle.Since < _idleTimeout && !idle.Session.IsFaulted)
                {
                    return idle.Session;
                }

                _ = CloseAsync(idle.Session);
            }

            return null;
        }
    }

    /// <summary>Pools a session that finished a transaction once RSET succeeds, which shows that the server still replies. Closes it otherwise.</summary>
    public async Task ReturnAsync(string key, SmtpClientSession session, CancellationToken cancellationToken)
    {
        try
        {
            await session.ResetAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or SmtpClientException or ObjectDisposedException or OperationCanceledException)
        {
            await session.DisposeAsync();
            return;
        }

        lock (_lock)
        {
            if (!_disposed)
            {
                if (!_idle.TryGetValue(key, out var sessions))
                {
                    sessions = [];
                    _idle[key] = sessions;
                }

                sessions.Add(new IdleSession(session, _timeProvider.GetUtcNow()));
                return;
            }
        }

        await CloseAsync(session);
    }

    /// <summary>Sends QUIT on every idle session and closes it.</summary>
    public async ValueTask DisposeAsync()
    {
        List<SmtpClientSession> sessions;
        lock (_lock)
        {
            _disposed = true;
            sessions = [.. _idle.Values.SelectMany(list => list.Select(idle => idle.Session))];
            _idle.Clear();
        }

        await _sweepTimer.DisposeAsync();
        await Task.WhenAll(sessions.Select(CloseAsync));
    }

    private async Task SweepAsync()
    {
        var now = _timeProvider.GetUtcNow();
        List<SmtpClientSession> expired = [];
        lock (_lock)
        {
            foreach (var sessions in _idle.Values)
            {
                expired.AddRange(sessions.Where(idle => now - idle.Since >= _idleTimeout).Select(idle => idle.Session));
                sessions.RemoveAll(idle => now - idle.Since >= _idleTimeout);
            }
        }

        await Task.WhenAll(expired.Select(CloseAsync));
    }

    private static async Task CloseAsync(SmtpClientSession session)
    {
        try
        {
            await session.QuitAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or SmtpClientException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is closed either way.
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    private sealed record IdleSession(SmtpClientSession Session, DateTimeOffset Since);

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
