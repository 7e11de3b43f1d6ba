using System.Net;
using System.Net.Sockets;

namespace Tern.Smtp.Server;

/// <summary>
/// Counts failed SMTP AUTH attempts per client address across connections and listeners, so that a
/// password guesser is slowed down and then refused however often it reconnects. Thread-safe; one
/// instance is shared by every listener of a server.
/// </summary>
/// <remarks>
/// IPv6 clients are counted per /64 prefix, because one host usually has a whole /64 to pick
/// addresses from. A successful login does not reset the count: otherwise a guesser with one valid
/// account could clear it between guesses.
/// </remarks>
public sealed class AuthenticationFailureTracker
{
    /// <summary>The default <see cref="MaxFailuresPerClient"/>: 10.</summary>
    public const int DefaultMaxFailuresPerClient = 10;

    // Bounds the memory an attacker with many addresses can make the tracker use.
    private const int MaxTrackedClients = 100_000;

    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<IPAddress, Queue<DateTimeOffset>> _failures = [];
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _checksRunning = [];

    /// <summary>Creates a tracker; throws <see cref="ArgumentOutOfRangeException"/> for a limit or time that is not positive.</summary>
    /// <param name="timeProvider">The clock for the window.</param>
    /// <param name="maxFailuresPerClient">Failures in <paramref name="window"/> after which a client address is refused.</param>
    /// <param name="window">How long a failure counts: 15 minutes by default.</param>
    /// <param name="firstDelay">The delay before the reply to the first failure: 1 second by default. Each later failure in the window doubles it.</param>
    /// <param name="maxDelay">The upper bound of the delay: 16 seconds by default.</param>
    public AuthenticationFailureTracker(
        TimeProvider timeProvider,
        int maxFailuresPerClient = DefaultMaxFailuresPerClient,
        TimeSpan? window = null,
        TimeSpan? firstDelay = null,
        TimeSpan? maxDelay = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFailuresPerClient);
        _timeProvider = timeProvider;
        MaxFailuresPerClient = maxFailuresPerClient;
        Window = window ?? TimeSpan.FromMinutes(15);
        FirstDelay = firstDelay ?? TimeSpan.FromSeconds(1);
        MaxDelay = maxDelay ?? TimeSpan.FromSeconds(16);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Window, TimeSpan.Zero, nameof(window));
        ArgumentOutOfRangeException.ThrowIfLessThan(FirstDelay, TimeSpan.Zero, nameof(firstDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, FirstDelay, nameof(maxDelay));
    }

    /// <summary>Failures within <see cref="Window"/> after which a client address is refused.</summary>
    public int MaxFailuresPerClient { get; }

    /// <summary>How long a failure counts against its client address.</summary>
    public TimeSpan Window { get; }

    /// <summary>The delay before the reply to the first failure in the window.</summary>
    public TimeSpan FirstDelay { get; }

    /// <summary>The upper bound of the delay.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>
    /// Starts one credential check for <paramref name="client"/>, or returns false when the failures in
    /// the window plus the checks still running reach <see cref="MaxFailuresPerClient"/>. Counting the
    /// running checks keeps parallel connections from getting more guesses than the limit. Every true
    /// result must be followed by <see cref="EndCheck"/>, after any <see cref="RecordFailure"/>.
    /// </summary>
    public bool TryBeginCheck(IPAddress client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var key = Key(client);
        lock (_lock)
        {
            _checksRunning.TryGetValue(key, out var running);
            if (CountRecent(key, _timeProvider.GetUtcNow()) + running >= MaxFailuresPerClient)
            {
                return false;
            }

            _checksRunning[key] = running + 1;
            return true;
        }
    }

    /// <summary>Ends a credential check started with <see cref="TryBeginCheck"/>.</summary>
    public void EndCheck(IPAddress client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var key = Key(client);
        lock (_lock)
        {
            if (_checksRunning.TryGetValue(key, out var running) && running > 1)
            {
                _checksRunning[key] = running - 1;
            }
            else
            {
                _checksRunning.Remove(key);
            }
        }
    }

    /// <summary>Returns true when <paramref name="client"/> has reached <see cref="MaxFailuresPerClient"/> within the window.</summary>
    public bool IsBlocked(IPAddress client)
    {
        ArgumentNullException.ThrowIfNull(client);
        lock (_lock)
        {
            return CountRecent(Key(client), _timeProvider.GetUtcNow()) >= MaxFailuresPerClient;
        }
    }

    /// <summary>
    /// Records one failure of <paramref name="client"/> and returns the delay before the failure reply:
    /// <see cref="FirstDelay"/> doubled for each earlier failure in the window, at most <see cref="MaxDelay"/>.
    /// </summary>
    public TimeSpan RecordFailure(IPAddress client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = _timeProvider.GetUtcNow();
        var key = Key(client);
        int count;
        lock (_lock)
        {
            count = CountRecent(key, now);
            if (!_failures.TryGetValue(key, out var times))
            {
                if (_failures.Count >= MaxTrackedClients)
                {
                    RemoveExpired(now);
                }

                // NOTE: with MaxTrackedClients addresses all failing within one window, further new
                // addresses are not counted; the per-session limit still applies to them.
                if (_failures.Count >= MaxTrackedClients)
                {
                    return MaxDelay;
                }

                times = new Queue<DateTimeOffset>();
                _failures[key] = times;
            }

            times.Enqueue(now);
            while (times.Count > MaxFailuresPerClient)
            {
                times.Dequeue();
            }
        }

        // count earlier failures: 0 gives FirstDelay, 1 twice that, and so on.
        var factor = Math.Pow(2, Math.Min(count, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(FirstDelay.Ticks * factor, MaxDelay.Ticks));
        return delay;
    }

    private int CountRecent(IPAddress key, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var times))
        {
            return 0;
        }

        while (times.Count > 0 && now - times.Peek() >= Window)
        {
            times.Dequeue();
        }

        if (times.Count == 0)
        {
            _failures.Remove(key);
        }

        return times.Count;
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        foreach (var key in _failures.Keys.ToList())
        {
            CountRecent(key, now);
        }
    }

    private static IPAddress Key(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }
}
