using System.Net;

namespace Tern.Delivery.Remote;

/// <summary>Settings of <see cref="RemoteDeliveryAgent"/>.</summary>
public sealed class RemoteDeliveryOptions
{
    /// <summary>The SMTP port of MX hosts: 25 (RFC 5321 section 4.5.4.2 via the IANA registry). Tests set a loopback listener's port.</summary>
    public int Port { get; set; } = 25;

    /// <summary>Our host name, sent in EHLO; an ASCII domain name.</summary>
    public required string HeloName { get; init; }

    /// <summary>The TLS policy for domains without an entry in <see cref="DomainTlsPolicies"/>. Default <see cref="TlsPolicy.Dane"/>.</summary>
    public TlsPolicy DefaultTlsPolicy { get; set; } = TlsPolicy.Dane;

    /// <summary>TLS policies by destination domain, compared without regard to case. An address literal is looked up as written, for example <c>[192.0.2.1]</c>.</summary>
    public IDictionary<string, TlsPolicy> DomainTlsPolicies { get; } = new Dictionary<string, TlsPolicy>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The endpoints Tern's own SMTP listeners accept mail on. An MX host that resolves to one of them
    /// would send the mail back to us, so it bounces with 5.4.6 (mail loop). An unspecified address
    /// (0.0.0.0 or ::) matches every loopback address and every address of the local network interfaces.
    /// </summary>
    public IList<IPEndPoint> LocalEndPoints { get; } = [];

    /// <summary>How long one TCP connection attempt may take. Default 30 seconds, Postfix's smtp_connect_timeout.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one SMTP session (greeting, TLS handshake, transaction and QUIT) may take in total, on top of
    /// the client's per-command timeouts. Default 30 minutes.
    /// </summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a connection may wait for the next message to the same host before it is closed. Default 5 seconds.</summary>
    public TimeSpan ConnectionIdleTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Maximum number of messages in delivery at once to one domain. Default 20, Postfix's default_destination_concurrency_limit.</summary>
    public int MaxConnectionsPerDestination { get; set; } = 20;

    /// <summary>Returns the TLS policy for a destination domain.</summary>
    public TlsPolicy GetTlsPolicy(string domain) =>
        DomainTlsPolicies.TryGetValue(domain, out var policy) ? policy : DefaultTlsPolicy;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(HeloName);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 1, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SessionTimeout, TimeSpan.Zero, nameof(SessionTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectionIdleTimeout, TimeSpan.Zero, nameof(ConnectionIdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnectionsPerDestination, 1, nameof(MaxConnectionsPerDestination));
        if (!Enum.IsDefined(DefaultTlsPolicy))
        {
            throw new ArgumentException($"DefaultTlsPolicy {DefaultTlsPolicy} is not a TLS policy.", nameof(DefaultTlsPolicy));
        }
    }
}
