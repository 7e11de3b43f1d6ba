namespace Tern.Dns;

/// <summary>The classified result of one query to one server, before CNAME chains are followed.</summary>
internal sealed record DnsResponse(
    DnsResponseKind Kind,
    SecurityStatus Status,
    IReadOnlyList<DnsRecord> Records,
    int? NegativeTtl = null,
    DnsFailure? Failure = null)
{
    public static DnsResponse Failed(DnsFailureKind kind, string message) =>
        new(DnsResponseKind.Failure, SecurityStatus.Indeterminate, [], Failure: new DnsFailure(kind, message));
}

internal enum DnsResponseKind
{
    /// <summary>RCODE NOERROR; the answer section may be empty (NODATA) or contain only aliases.</summary>
    NoError,

    /// <summary>RCODE NXDOMAIN for the last name of any alias chain in the answer (RFC 6604 section 2.1).</summary>
    NxDomain,

    Failure,
}
