namespace Tern.Dns;

/// <summary>Typed lookups on top of <see cref="IDnsResolver.QueryAsync"/>.</summary>
public static class DnsResolverExtensions
{
    public static Task<DnsAnswer> QueryAAsync(this IDnsResolver resolver, string name, CancellationToken cancellationToken) =>
        Query(resolver, name, DnsRecordType.A, cancellationToken);

    public static Task<DnsAnswer> QueryAaaaAsync(this IDnsResolver resolver, string name, CancellationToken cancellationToken) =>
        Query(resolver, name, DnsRecordType.Aaaa, cancellationToken);

    public static Task<DnsAnswer> QueryMxAsync(this IDnsResolver resolver, string name, CancellationToken cancellationToken) =>
        Query(resolver, name, DnsRecordType.Mx, cancellationToken);

    public static Task<DnsAnswer> QueryCnameAsync(this IDnsResolver resolver, string name, CancellationToken cancellationToken) =>
        Query(resolver, name, DnsRecordType.Cname, cancellationToken);

    /// <summary>Looks up the TLSA records of a TCP service on a host, at _port._tcp.host.</summary>
    public static Task<DnsAnswer> QueryTlsaAsync(this IDnsResolver resolver, string host, int port, CancellationToken cancellationToken) =>
        Query(resolver, DnsName.TlsaOwner(host, port), DnsRecordType.Tlsa, cancellationToken);

    private static Task<DnsAnswer> Query(IDnsResolver resolver, string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return resolver.QueryAsync(name, type, cancellationToken);
    }
}
