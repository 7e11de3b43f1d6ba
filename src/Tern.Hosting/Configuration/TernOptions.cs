using Microsoft.Extensions.Logging;

namespace Tern.Hosting.Configuration;

/// <summary>
/// The whole configuration of a Tern instance, bound from the configuration root.
/// The defaults are the built-in settings that <c>tern serve</c> runs with when no file is given.
/// </summary>
public sealed class TernOptions
{
    /// <summary>The name Tern uses in its greeting, EHLO reply and Received headers. Defaults to the machine's host name.</summary>
    public string? HostName { get; set; }

    /// <summary>The directory for the queue, the mailboxes and the generated certificate, relative to the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    public List<ListenerOptions> Listeners { get; set; } = [];

    /// <summary>The domains Tern accepts mail for, by domain name.</summary>
    public Dictionary<string, LocalDomainOptions> LocalDomains { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public TlsOptions Tls { get; set; } = new();

    public LimitOptions Limits { get; set; } = new();

    public TimeoutOptions Timeouts { get; set; } = new();

    public RelayOptions Relay { get; set; } = new();

    public AuthOptions Auth { get; set; } = new();

    public DnsOptions Dns { get; set; } = new();

    public DeliveryOptions Delivery { get; set; } = new();

    public QueueOptions Queue { get; set; } = new();

    /// <summary>The minimum level written to the log: Trace, Debug, Information, Warning, Error or Critical.</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Information;
}

/// <summary>One listening socket.</summary>
public sealed class ListenerOptions
{
    public string Address { get; set; } = "127.0.0.1";

    public int Port { get; set; }

    public ListenerMode Mode { get; set; } = ListenerMode.Mx;
}

/// <summary>The three kinds of SMTP listener.</summary>
public enum ListenerMode
{
    /// <summary>Mail from other MTAs: STARTTLS offered, not required (RFC 3207 section 4).</summary>
    Mx,

    /// <summary>Mail from users (RFC 6409): STARTTLS required before MAIL.</summary>
    Submission,

    /// <summary>Submission over TLS from the first byte (RFC 8314 section 3.3).</summary>
    ImplicitTls,
}

/// <summary>A domain Tern delivers locally.</summary>
public sealed class LocalDomainOptions
{
    /// <summary>The accepted local parts. Validation rejects an empty list unless <see cref="CatchAll"/> is set.</summary>
    public List<string> Users { get; set; } = [];

    /// <summary>Accepts every local part.</summary>
    public bool CatchAll { get; set; }
}

/// <summary>The server certificate. Without files, Tern creates a self-signed certificate in the data directory.</summary>
public sealed class TlsOptions
{
    /// <summary>PEM file with the certificate, optionally followed by its intermediates.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM file with the private key.</summary>
    public string? KeyFile { get; set; }
}

/// <summary>Size and count limits.</summary>
public sealed class LimitOptions
{
    /// <summary>Maximum message size in octets, announced with SIZE (RFC 1870). Postfix's default.</summary>
    public long MaxMessageSize { get; set; } = 10_240_000;

    /// <summary>Maximum recipients per transaction. RFC 5321 section 4.5.3.1.8 requires at least 100.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>Maximum simultaneous SMTP connections in total.</summary>
    public int MaxConnections { get; set; } = 200;

    /// <summary>Error replies a session may get before it is closed with 421 (Postfix's smtpd_hard_error_limit).</summary>
    public int MaxErrors { get; set; } = 20;

    /// <summary>Maximum simultaneous SMTP connections from one client address.</summary>
    public int MaxConnectionsPerClient { get; set; } = 20;
}

/// <summary>Timeouts, in seconds.</summary>
public sealed class TimeoutOptions
{
    /// <summary>Idle time allowed between commands. RFC 5321 section 4.5.3.2.7: at least 5 minutes.</summary>
    public int CommandSeconds { get; set; } = 300;

    /// <summary>Idle time allowed while reading message data.</summary>
    public int DataSeconds { get; set; } = 180;

    /// <summary>How long open sessions may take to finish after a stop signal.</summary>
    public int ShutdownSeconds { get; set; } = 30;
}

/// <summary>The DNS resolver used for MX, address and TLSA lookups.</summary>
public sealed class DnsOptions
{
    /// <summary>
    /// Resolvers as <c>address</c> or <c>address:port</c>, tried in order. They must validate DNSSEC,
    /// or DANE never applies.
    /// </summary>
    public List<string> Resolvers { get; set; } = [];

    /// <summary>
    /// Resolvers off loopback whose AD bit Tern believes. List one only when the path to it is
    /// protected, because the AD bit itself is not signed.
    /// </summary>
    public List<string> TrustedResolvers { get; set; } = [];

    public int TimeoutSeconds { get; set; } = 5;
}

/// <summary>Remote delivery: TLS policy and connection settings.</summary>
public sealed class DeliveryOptions
{
    /// <summary>The TLS policy for destinations without their own entry: None, May, Encrypt, Dane, DaneOnly or Verify.</summary>
    public Tern.Delivery.Remote.TlsPolicy TlsPolicy { get; set; } = Tern.Delivery.Remote.TlsPolicy.Dane;

    /// <summary>TLS policies per destination domain.</summary>
    public Dictionary<string, Tern.Delivery.Remote.TlsPolicy> DomainTlsPolicies { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The port remote MX hosts are contacted on. Only tests change it.</summary>
    public int Port { get; set; } = 25;

    public int ConnectTimeoutSeconds { get; set; } = 30;
}

/// <summary>The queue runner's schedule, close to Postfix's defaults.</summary>
public sealed class QueueOptions
{
    /// <summary>How often the runner looks for due messages when nothing wakes it.</summary>
    public int PollSeconds { get; set; } = 60;

    /// <summary>Delay before the first retry; each later retry waits twice as long, up to the maximum.</summary>
    public int MinimalBackoffSeconds { get; set; } = 300;

    public int MaximalBackoffSeconds { get; set; } = 3600;

    /// <summary>How long a message may stay deferred before it bounces (Postfix: 5 days).</summary>
    public int MaximalLifetimeHours { get; set; } = 120;

    public int MaxConcurrentDeliveries { get; set; } = 20;
}

/// <summary>Who may send mail through Tern to domains that are not local.</summary>
public sealed class RelayOptions
{
    /// <summary>
    /// Client networks in CIDR form (<c>192.0.2.0/24</c>, <c>::1/128</c>) whose unauthenticated
    /// sessions may relay. Empty by default, so only authenticated users relay.
    /// </summary>
    public List<string> ClientNetworks { get; set; } = [];
}

/// <summary>SMTP AUTH on the Submission and ImplicitTls listeners: the users file and the limits on failed logins.</summary>
public sealed class AuthOptions
{
    /// <summary>The users file that <c>tern user</c> edits; null for <c>users.json</c> in the data directory.</summary>
    public string? UsersFile { get; set; }

    /// <summary>Failed logins in one session after which it is closed with 421.</summary>
    public int MaxFailuresPerSession { get; set; } = 5;

    /// <summary>Failed logins from one client address (IPv6: one /64) within the window after which it gets 421 at once.</summary>
    public int MaxFailuresPerClient { get; set; } = 10;

    /// <summary>How long a failed login counts against its client address.</summary>
    public int FailureWindowMinutes { get; set; } = 15;

    /// <summary>The delay before the reply to the first failed login in the window; each later failure doubles it.</summary>
    public int FailureDelayMilliseconds { get; set; } = 1000;

    /// <summary>The upper bound of that delay.</summary>
    public int MaxFailureDelayMilliseconds { get; set; } = 16000;

    /// <summary>Returns the absolute path of the users file for the given data directory setting.</summary>
    public string GetUsersFilePath(string dataDirectory) =>
        Path.GetFullPath(UsersFile ?? Path.Combine(dataDirectory, "users.json"));
}
