namespace Tern.Dns;

/// <summary>
/// Responses per (name, type), kept within their TTL. Failures are not stored, so the next attempt
/// queries the resolver again. RFC 2308 section 7 allows but does not require caching them.
/// </summary>
internal sealed class DnsCache
{
    private readonly Dictionary<(string Name, DnsRecordType Type), Entry> _entries = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly int _maxEntries;
    private readonly TimeSpan _maxTtl;
    private readonly TimeSpan _maxNegativeTtl;

    public DnsCache(TimeProvider timeProvider, int maxEntries, TimeSpan maxTtl, TimeSpan maxNegativeTtl)
    {
        _timeProvider = timeProvider;
        _maxEntries = maxEntries;
        _maxTtl = maxTtl;
        _maxNegativeTtl = maxNegativeTtl;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public bool TryGet(string name, DnsRecordType type, out DnsResponse response)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue((name, type), out var entry) && entry.Expires > _timeProvider.GetUtcNow())
            {
                response = entry.Response;
                return true;
            }
        }

        response = null!;
        return false;
    }

    public void Store(string name, DnsRecordType type, DnsResponse response)
    {
        var lifetime = GetLifetime(type, response);
        if (lifetime <= TimeSpan.Zero || _maxEntries <= 0)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (_entries.Count >= _maxEntries && !_entries.ContainsKey((name, type)))
            {
                MakeRoom(now);
            }

            _entries[(name, type)] = new Entry(response, now + lifetime);
        }
    }

    /// <summary>
    /// Returns how long a response may be kept: the smallest TTL of its answer records, and for a
    /// negative answer the SOA TTL capped by the SOA MINIMUM field (RFC 2308 section 5). A negative
    /// answer without an SOA record is not kept, as RFC 2308 section 5 asks.
    /// </summary>
    private TimeSpan GetLifetime(DnsRecordType type, DnsResponse response)
    {
        if (response.Kind == DnsResponseKind.Failure)
        {
            return TimeSpan.Zero;
        }

        int? ttl = response.Records.Count > 0 ? response.Records.Min(r => r.TimeToLive) : null;
        var hasRequestedType = response.Records.Any(r => r.Type == type);
        if (hasRequestedType)
        {
            return Cap(ttl!.Value, _maxTtl);
        }

        if (response.NegativeTtl is not { } negativeTtl)
        {
            // Aliases alone may be kept for their TTL; a bare denial needs an SOA.
            return ttl is { } aliasTtl && response.Kind == DnsResponseKind.NoError ? Cap(aliasTtl, _maxTtl) : TimeSpan.Zero;
        }

        var lifetime = Cap(negativeTtl, _maxNegativeTtl);
        return ttl is { } recordTtl ? TimeSpan.FromSeconds(Math.Min(lifetime.TotalSeconds, recordTtl)) : lifetime;
    }

    private static TimeSpan Cap(int seconds, TimeSpan max) =>
        seconds <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(seconds, max.TotalSeconds));

    // Drops expired entries; when the cache is still full, drops the entries closest to expiry.
    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var key in _entries.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList())
        {
            _entries.Remove(key);
        }

        var excess = _entries.Count - _maxEntries + 1;
        if (excess <= 0)
        {
            return;
        }

        // Evicting a tenth at once keeps the sort rare when the cache runs full.
        var evictCount = Math.Max(excess, _maxEntries / 10);
        foreach (var key in _entries.OrderBy(e => e.Value.Expires).Take(evictCount).Select(e => e.Key).ToList())
        {
            _entries.Remove(key);
        }
    }

    private sealed record Entry(DnsResponse Response, DateTimeOffset Expires);
}
