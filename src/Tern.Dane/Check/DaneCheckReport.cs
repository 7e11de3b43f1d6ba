namespace Tern.Dane.Check;

/// <summary>
/// The result of <c>tern dane check</c>: the MX lookup for a mail domain (or none for a service
/// host), then one <see cref="HostReport"/> per host, in MX preference order.
/// </summary>
public sealed record DaneCheckReport
{
    /// <summary>The mail domain, or the host of an implicit-TLS service.</summary>
    public required string Domain { get; init; }

    /// <summary>"smtp" for a mail domain, else the service name given, such as "https".</summary>
    public required string Service { get; init; }

    /// <summary>The port of the TLSA owner name _port._tcp.host.</summary>
    public required int TlsaPort { get; init; }

    /// <summary>The port connected to, which differs from <see cref="TlsaPort"/> only when overridden.</summary>
    public required int ConnectPort { get; init; }

    /// <summary>The resolver asked, as ADDRESS:PORT; set by the caller.</summary>
    public string? Resolver { get; init; }

    /// <summary>Whether the AD bit of that resolver was trusted; set by the caller.</summary>
    public bool? ResolverTrusted { get; init; }

    public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>The MX lookup; null for a service host.</summary>
    public LookupReport? MxLookup { get; init; }

    /// <summary>True when the domain has no MX records and its own addresses serve as the MX (RFC 5321 section 5.1).</summary>
    public bool ImplicitMx { get; init; }

    /// <summary>True when the domain publishes "MX 0 ." and so accepts no mail (RFC 7505).</summary>
    public bool NullMx { get; init; }

    /// <summary>A sentence about the domain as a whole, such as why no host could be checked.</summary>
    public string? Message { get; init; }

    public IReadOnlyList<HostReport> Hosts { get; init; } = [];

    /// <summary>
    /// True when every address passed, or when the domain has a null MX. False when the MX lookup
    /// failed, when there was no host to check, or when any host or address failed.
    /// </summary>
    public required bool Passed { get; init; }
}
