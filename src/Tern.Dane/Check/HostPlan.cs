using System.Net;
using Tern.Dns;

namespace Tern.Dane.Check;

/// <summary>What the DNS lookups decided for one host, before any connection: the input of a host check.</summary>
internal sealed record HostPlan
{
    public required string Name { get; init; }

    public int? Preference { get; init; }

    public required DaneService Service { get; init; }

    public required DaneSmtpRequirement Requirement { get; init; }

    public required string Message { get; init; }

    /// <summary>True for SMTP STARTTLS, false for implicit TLS.</summary>
    public required bool StartTls { get; init; }

    /// <summary>
    /// True when a connection without DANE must still be authenticated, by the WebPKI: so for HTTPS,
    /// whose clients never accept an unauthenticated server. Opportunistic SMTP does not require it.
    /// </summary>
    public required bool RequiresWebPkiWithoutDane { get; init; }

    public required string ServerName { get; init; }

    public string? TlsaBaseDomain { get; init; }

    public IReadOnlyList<string> ReferenceIdentifiers { get; init; } = [];

    public IReadOnlyList<TlsaRecord> TlsaRecords { get; init; } = [];

    public IReadOnlyList<TlsaRecord> UsableRecords { get; init; } = [];

    public IReadOnlyList<DnsAnswer> Lookups { get; init; } = [];

    /// <summary>The addresses from the A and AAAA lookups, A first.</summary>
    public IReadOnlyList<IPAddress> Addresses =>
        [.. Lookups.Where(a => a.Type is DnsRecordType.A or DnsRecordType.Aaaa).SelectMany(a => a.RecordsOf<AddressRecord>()).Select(r => r.Address)];
}
