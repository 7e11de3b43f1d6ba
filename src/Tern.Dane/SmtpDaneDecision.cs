using Tern.Dns;

namespace Tern.Dane;

/// <summary>
/// The DANE decision for one MX host, with the DNS lookups it rests on, in the order they were made.
/// </summary>
public sealed record SmtpDaneDecision
{
    public required string MxHost { get; init; }

    public required DaneSmtpRequirement Requirement { get; init; }

    /// <summary>A sentence that explains the decision, for logs and reports.</summary>
    public required string Reason { get; init; }

    /// <summary>The name whose TLSA records apply; null when DANE does not apply.</summary>
    public string? TlsaBaseDomain { get; init; }

    /// <summary>The SNI name to send, which is the TLSA base domain; null when DANE does not apply.</summary>
    public string? ServerName => TlsaBaseDomain;

    /// <summary>Names the server certificate may carry under DANE-TA (RFC 7672 section 3.2.3).</summary>
    public IReadOnlyList<string> ReferenceIdentifiers { get; init; } = [];

    /// <summary>The TLSA records usable for SMTP, which the server chain must match under <see cref="DaneSmtpRequirement.AuthenticatedTls"/>.</summary>
    public IReadOnlyList<TlsaRecord> UsableRecords { get; init; } = [];

    /// <summary>Every TLSA record found at the base domain, usable or not.</summary>
    public IReadOnlyList<TlsaRecord> TlsaRecords { get; init; } = [];

    /// <summary>The address and TLSA lookups, each with its outcome, DNSSEC status and CNAME steps.</summary>
    public IReadOnlyList<DnsAnswer> Lookups { get; init; } = [];
}
