using System.Net;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tern.Dns;

/// <summary>
/// In-memory <see cref="IDnsResolver"/> for tests: answers from records and outcomes configured in
/// code, with the DNSSEC status given for each, and follows CNAMEs like <see cref="DnsClientResolver"/>.
/// A query that nothing was configured for returns NODATA when the name has other records (with their
/// status) and an Insecure NXDOMAIN otherwise.
/// </summary>
public sealed class StaticDnsResolver : IDnsResolver
{
    private const int MaxCnameChainLength = 8;

    private readonly Dictionary<(string Name, DnsRecordType Type), Entry> _entries = [];
    private readonly Dictionary<string, SecurityStatus> _nxDomains = [];
    private readonly List<(string Name, DnsRecordType Type)> _queries = [];
    private readonly Lock _lock = new();

    /// <summary>Every single query sent so far, aliases included, in order.</summary>
    public IReadOnlyList<(string Name, DnsRecordType Type)> Queries
    {
        get
        {
            lock (_lock)
            {
                return [.. _queries];
            }
        }
    }

    /// <summary>Adds records; records with the same owner and type form one RRset with the given status.</summary>
    public StaticDnsResolver Add(SecurityStatus status, params DnsRecord[] records)
    {
        ArgumentNullException.ThrowIfNull(records);
        RequireAnswerStatus(status);
        lock (_lock)
        {
            foreach (var record in records)
            {
                var key = (DnsName.Normalize(record.Name), record.Type);
                var entry = _entries.TryGetValue(key, out var existing) ? existing : new Entry(status);
                entry.Status = entry.Status.Weakest(status);
                entry.Records.Add(record with { Name = key.Item1 });
                _entries[key] = entry;
            }
        }

        return this;
    }

    /// <summary>Adds A or AAAA records with a TTL of one hour.</summary>
    public StaticDnsResolver AddAddresses(string name, SecurityStatus status, params string[] addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        return Add(status, [.. addresses.Select(a => new AddressRecord(name, 3600, IPAddress.Parse(a)))]);
    }

    public StaticDnsResolver AddCname(string alias, string target, SecurityStatus status) =>
        Add(status, new CnameRecord(alias, 3600, DnsName.Normalize(target)));

    public StaticDnsResolver AddNxDomain(string name, SecurityStatus status)
    {
        RequireAnswerStatus(status);
        lock (_lock)
        {
            _nxDomains[DnsName.Normalize(name)] = status;
        }

        return this;
    }

    public StaticDnsResolver AddNoData(string name, DnsRecordType type, SecurityStatus status)
    {
        RequireAnswerStatus(status);
        lock (_lock)
        {
            _entries[(DnsName.Normalize(name), type)] = new Entry(status);
        }

        return this;
    }

    /// <summary>Makes queries for this name and type fail, as a SERVFAIL or a timeout would.</summary>
    public StaticDnsResolver AddFailure(
        string name, DnsRecordType type, DnsFailureKind kind, SecurityStatus status = SecurityStatus.Indeterminate)
    {
        if (!status.IsFailure())
        {
            throw new ArgumentException($"A failure has status Bogus or Indeterminate, not {status}.", nameof(status));
        }

        lock (_lock)
        {
            _entries[(DnsName.Normalize(name), type)] = new Entry(status) { Failure = new DnsFailure(kind, $"Configured {kind}.") };
        }

        return this;
    }

    public Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return CnameChaser.ResolveAsync(DnsName.Normalize(name), type, Lookup, MaxCnameChainLength, NullLogger.Instance, cancellationToken);
    }

    private ValueTask<DnsResponse> Lookup(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _queries.Add((name, type));
            return ValueTask.FromResult(Find(name, type));
        }
    }

    private DnsResponse Find(string name, DnsRecordType type)
    {
        if (_entries.TryGetValue((name, type), out var entry) && entry.Failure is { } failure)
        {
            return new DnsResponse(DnsResponseKind.Failure, entry.Status, [], Failure: failure);
        }

        if (_nxDomains.TryGetValue(name, out var nxStatus))
        {
            return new DnsResponse(DnsResponseKind.NxDomain, nxStatus, []);
        }

        if (type != DnsRecordType.Cname && _entries.TryGetValue((name, DnsRecordType.Cname), out var alias))
        {
            return new DnsResponse(DnsResponseKind.NoError, alias.Status, [.. alias.Records]);
        }

        if (entry is not null)
        {
            return new DnsResponse(DnsResponseKind.NoError, entry.Status, [.. entry.Records]);
        }

        var others = _entries.Where(e => e.Key.Name == name).Select(e => e.Value.Status).ToList();
        return others.Count > 0
            ? new DnsResponse(DnsResponseKind.NoError, others.Aggregate(SecurityStatus.Secure, SecurityStatusExtensions.Weakest), [])
            : new DnsResponse(DnsResponseKind.NxDomain, SecurityStatus.Insecure, []);
    }

    private static void RequireAnswerStatus(SecurityStatus status)
    {
        if (status.IsFailure())
        {
            throw new ArgumentException($"Use AddFailure for status {status}.", nameof(status));
        }
    }

    private sealed class Entry(SecurityStatus status)
    {
        public SecurityStatus Status { get; set; } = status;

        public List<DnsRecord> Records { get; } = [];

        public DnsFailure? Failure { get; init; }
    }
}
