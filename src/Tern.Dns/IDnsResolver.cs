namespace Tern.Dns;

/// <summary>
/// Looks up DNS records with their DNSSEC status. Implementations follow CNAME chains and never
/// report a failed lookup as NXDOMAIN or NODATA.
/// </summary>
public interface IDnsResolver
{
    /// <summary>
    /// Looks up the records of one type. Network and protocol errors are returned as an answer with
    /// the outcome Failure; only cancellation throws.
    /// </summary>
    Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken);
}
