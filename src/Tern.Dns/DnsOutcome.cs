namespace Tern.Dns;

/// <summary>What a lookup found, apart from its <see cref="SecurityStatus"/>.</summary>
public enum DnsOutcome
{
    /// <summary>The name has records of the requested type.</summary>
    Records,

    /// <summary>The name does not exist (RCODE NXDOMAIN).</summary>
    NxDomain,

    /// <summary>The name exists but has no records of the requested type (NOERROR with an empty answer).</summary>
    NoData,

    /// <summary>The lookup failed; <see cref="DnsAnswer.Failure"/> contains the reason. A failure is never "no records".</summary>
    Failure,
}
