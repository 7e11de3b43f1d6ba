namespace Tern.Delivery.Remote;

/// <summary>What the MX lookup of a destination domain found.</summary>
internal enum MxResolutionKind
{
    /// <summary>One or more hosts to try, explicit or implicit.</summary>
    Hosts,

    /// <summary>The domain publishes a null MX (RFC 7505): it accepts no mail.</summary>
    NullMx,

    /// <summary>The domain does not exist (NXDOMAIN).</summary>
    NoSuchDomain,

    /// <summary>The lookup failed (SERVFAIL, timeout, bogus DNSSEC data); the domain must be tried later.</summary>
    Failure,
}
