namespace Tern.Dane.Check;

/// <summary>
/// One host of a check (an MX host, or the host of an implicit-TLS service): its DNS lookups, the
/// DANE requirement they give, its TLSA records and one report per address.
/// </summary>
public sealed record HostReport
{
    public required string Name { get; init; }

    /// <summary>The MX preference; null for a service host.</summary>
    public int? Preference { get; init; }

    /// <summary>
    /// What the DNS results require of a connection to this host (RFC 7672 section 2.2 for SMTP). For
    /// other services, OpportunisticTls means that DANE does not apply and WebPKI validation decides.
    /// </summary>
    public required DaneSmtpRequirement Requirement { get; init; }

    /// <summary>The DANE status of the host in one sentence, such as "DANE not applicable (MX host insecure)".</summary>
    public required string Message { get; init; }

    /// <summary>The name whose TLSA records apply; null when DANE does not apply.</summary>
    public string? TlsaBaseDomain { get; init; }

    /// <summary>The names the server certificate may carry when a DANE-TA record or a PKIX usage matches.</summary>
    public IReadOnlyList<string> ReferenceIdentifiers { get; init; } = [];

    /// <summary>The address and TLSA lookups, in the order they were made.</summary>
    public IReadOnlyList<LookupReport> Lookups { get; init; } = [];

    public IReadOnlyList<TlsaRecordReport> TlsaRecords { get; init; } = [];

    public IReadOnlyList<AddressReport> Addresses { get; init; } = [];

    /// <summary>True when the host has addresses and every one of them passed.</summary>
    public bool Passed => Addresses.Count > 0 && Addresses.All(a => a.Passed);
}
