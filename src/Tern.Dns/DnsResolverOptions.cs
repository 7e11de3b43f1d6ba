using System.Net;

namespace Tern.Dns;

/// <summary>Settings of <see cref="DnsClientResolver"/>.</summary>
public sealed class DnsResolverOptions
{
    /// <summary>
    /// Recursive resolvers to ask, in order. Empty means 127.0.0.1 port 53: DANE needs a validating
    /// resolver that the client can trust, and one on loopback has no network path to tamper with.
    /// </summary>
    public IList<IPEndPoint> NameServers { get; } = [];

    /// <summary>
    /// Resolvers whose AD bit is trusted although they are not on loopback. Name one only when the
    /// path to it is protected, for example by IPsec or a private link (RFC 4035 section 4.9.3).
    /// </summary>
    public IList<IPAddress> TrustedNameServers { get; } = [];

    /// <summary>Time to wait for one response before a retry.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after a timeout, per query. Error responses such as SERVFAIL are not retried.</summary>
    public int Retries { get; set; } = 1;

    /// <summary>Maximum number of cached responses.</summary>
    public int MaxCacheEntries { get; set; } = 10_000;

    /// <summary>Upper bound on how long a positive answer is cached, whatever its TTL.</summary>
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Upper bound on how long NXDOMAIN and NODATA answers are cached (RFC 2308 section 5).</summary>
    public TimeSpan MaxNegativeTtl { get; set; } = TimeSpan.FromHours(3);

    /// <summary>Maximum number of aliases followed in one lookup; a longer chain is a failure.</summary>
    public int MaxCnameChainLength { get; set; } = 8;
}
