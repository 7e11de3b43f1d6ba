using System.Text;
using Tern.Smtp.Protocol;

namespace Tern.Smtp.Client;

/// <summary>
/// Settings of an SMTP client session. The timeouts are those of RFC 5321 section 4.5.3.2; each one bounds
/// a single wait for a reply or a single write, not a whole stage.
/// </summary>
public sealed class SmtpClientOptions
{
    /// <summary>The name sent in EHLO and HELO: an ASCII domain or an address literal such as "[192.0.2.1]".</summary>
    public required string HeloName { get; init; }

    /// <summary>The wait for the 220 greeting: 5 minutes (RFC 5321 section 4.5.3.2.1).</summary>
    public TimeSpan GreetingTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The wait for the reply to MAIL: 5 minutes (RFC 5321 section 4.5.3.2.2).</summary>
    public TimeSpan MailTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The wait for the reply to each RCPT: 5 minutes (RFC 5321 section 4.5.3.2.3).</summary>
    public TimeSpan RcptTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The wait for the 354 reply to DATA: 2 minutes (RFC 5321 section 4.5.3.2.4).</summary>
    public TimeSpan DataInitiationTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The time allowed for each write of message content, and for the reply to a BDAT chunk that is not
    /// the last: 3 minutes (RFC 5321 section 4.5.3.2.5).
    /// </summary>
    public TimeSpan DataBlockTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The wait for the reply after the end of the content (the final dot or the last BDAT chunk):
    /// 10 minutes (RFC 5321 section 4.5.3.2.6).
    /// </summary>
    public TimeSpan DataTerminationTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The wait for the replies to EHLO, HELO, STARTTLS and RSET, and the time allowed for the TLS handshake:
    /// 5 minutes. RFC 5321 names no timeout for these commands, so this follows the MAIL timeout.
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The wait for the reply to QUIT: 10 seconds. The session ends whatever the reply, so a server that is
    /// slow to reply should not hold the connection.
    /// </summary>
    public TimeSpan QuitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether to send the content with BDAT (RFC 3030) when the server offers CHUNKING. When false, or
    /// when CHUNKING is not offered, the content goes with DATA.
    /// </summary>
    public bool UseChunking { get; init; }

    /// <summary>The clock for every timeout; tests replace it.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    internal void Validate()
    {
        if (string.IsNullOrEmpty(HeloName)
            || !Ascii.IsValid(HeloName)
            || !(SmtpPathParser.IsDomain(HeloName, allowUnderscore: false) || SmtpPathParser.IsAddressLiteral(HeloName)))
        {
            throw new ArgumentException($"HeloName '{HeloName}' is not an ASCII domain name or address literal.", nameof(HeloName));
        }

        TimeSpan[] timeouts = [GreetingTimeout, MailTimeout, RcptTimeout, DataInitiationTimeout, DataBlockTimeout, DataTerminationTimeout, CommandTimeout, QuitTimeout];
        if (timeouts.Any(timeout => timeout <= TimeSpan.Zero))
        {
            throw new ArgumentException("Every timeout must be positive.", nameof(GreetingTimeout));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
