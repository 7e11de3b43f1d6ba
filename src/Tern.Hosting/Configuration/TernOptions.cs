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
    /// <summary>The accepted local parts. An empty list with <see cref="CatchAll"/> false accepts nobody.</summary>
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

    /// <summary>Maximum recipients per transaction. RFC 5321 section 4.5.3.1.8 asks for at least 100.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>Maximum simultaneous SMTP connections in total.</summary>
    public int MaxConnections { get; set; } = 200;

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
