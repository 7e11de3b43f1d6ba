namespace Tern.Dane.Check;

/// <summary>Settings of <see cref="DaneChecker"/>.</summary>
public sealed class DaneCheckOptions
{
    /// <summary>
    /// The port to connect to in place of the service port, for test servers. TLSA records are still
    /// looked up at the service port, since that is what real clients use.
    /// </summary>
    public int? ConnectPort { get; set; }

    /// <summary>
    /// Maximum time for a TCP connection. RFC 5321 section 4.5.3.2 gives SMTP clients minutes per
    /// step, which suits queued delivery but not an interactive check.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Maximum time for each SMTP reply and for the TLS handshake.</summary>
    public TimeSpan ReplyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The EHLO name; null sends the address literal of the local end of each connection.</summary>
    public string? HeloName { get; set; }

    /// <summary>The clock for certificate validity checks.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
