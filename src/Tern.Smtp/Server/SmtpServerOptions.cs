using System.Security.Cryptography.X509Certificates;
using Tern.Smtp.Protocol;

namespace Tern.Smtp.Server;

/// <summary>Settings of an SMTP server listener; <see cref="SmtpServerSession"/> validates them once.</summary>
public sealed class SmtpServerOptions
{
    /// <summary>The default <see cref="MaxMessageSize"/>: 10,240,000 octets, the Postfix message_size_limit default.</summary>
    public const long DefaultMaxMessageSize = 10_240_000;

    /// <summary>
    /// The default <see cref="MaxRecipients"/>: 100, the minimum that RFC 5321 section 4.5.3.1.8 requires a
    /// server to accept.
    /// </summary>
    public const int DefaultMaxRecipients = 100;

    /// <summary>The default <see cref="MaxErrors"/>: 20, the Postfix smtpd_hard_error_limit default.</summary>
    public const int DefaultMaxErrors = 20;

    /// <summary>The default <see cref="SoftErrorLimit"/>: 10, the Postfix smtpd_soft_error_limit default.</summary>
    public const int DefaultSoftErrorLimit = 10;

    /// <summary>The default <see cref="MaxAuthenticationFailures"/>: 5.</summary>
    public const int DefaultMaxAuthenticationFailures = 5;

    /// <summary>The host name in the greeting, the EHLO reply and the Received header (an ASCII domain).</summary>
    public required string HostName { get; init; }

    /// <summary>The listener's mode; Submission and ImplicitTls need a <see cref="Certificate"/>.</summary>
    public SmtpListenerMode Mode { get; init; } = SmtpListenerMode.Mx;

    /// <summary>The server certificate with its private key, or null to offer no STARTTLS.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>
    /// The intermediate certificates sent after <see cref="Certificate"/>, issuer after subject.
    /// NOTE: .NET never sends a self-signed root certificate, even when it is listed here, so a DANE-TA
    /// record must name an intermediate CA (or be a "2 x 0" record with the full root in DNS).
    /// </summary>
    public X509Certificate2Collection? IntermediateCertificates { get; init; }

    /// <summary>The maximum message size in octets, advertised as SIZE and enforced on DATA and BDAT.</summary>
    public long MaxMessageSize { get; init; } = DefaultMaxMessageSize;

    /// <summary>The maximum number of accepted recipients in one transaction; more get 452 4.5.3.</summary>
    public int MaxRecipients { get; init; } = DefaultMaxRecipients;

    /// <summary>
    /// The number of error replies (4xx and 5xx) a client may receive since its last accepted message.
    /// When the count reaches it, the session replies 421 4.7.0 and closes the connection.
    /// </summary>
    public int MaxErrors { get; init; } = DefaultMaxErrors;

    /// <summary>The error count from which every reply waits <see cref="ErrorDelay"/> before it is sent.</summary>
    public int SoftErrorLimit { get; init; } = DefaultSoftErrorLimit;

    /// <summary>
    /// The delay before each reply once the error count reaches <see cref="SoftErrorLimit"/>: 1 second, the
    /// Postfix smtpd_error_sleep_time default. Zero turns the delay off.
    /// </summary>
    public TimeSpan ErrorDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the server waits for a command, a reply write or a TLS handshake: 5 minutes, the server
    /// timeout of RFC 5321 section 4.5.3.2.7.
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long the server waits for each read of message data (DATA or BDAT): 3 minutes, the data block
    /// timeout that RFC 5321 section 4.5.3.2.5 sets for clients.
    /// </summary>
    public TimeSpan DataTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The credential check for SMTP AUTH (RFC 4954), or null to offer no AUTH. The session offers AUTH
    /// only on Submission and ImplicitTls listeners and only inside TLS, whatever this is set to.
    /// </summary>
    public ISmtpAuthenticator? Authenticator { get; init; }

    /// <summary>
    /// The per-address count of failed AUTH attempts, shared across listeners, or null for one that
    /// the session runner creates with its defaults on <see cref="TimeProvider"/>.
    /// </summary>
    public AuthenticationFailureTracker? AuthenticationFailures { get; init; }

    /// <summary>Failed AUTH attempts in one session after which it replies 421 4.7.0 and closes.</summary>
    public int MaxAuthenticationFailures { get; init; } = DefaultMaxAuthenticationFailures;

    /// <summary>The clock for timeouts and the Received date; tests replace it.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    internal void Validate()
    {
        if (string.IsNullOrEmpty(HostName) || !SmtpPathParser.IsDomain(HostName, allowUnderscore: false) || !System.Text.Ascii.IsValid(HostName))
        {
            throw new ArgumentException($"HostName '{HostName}' is not an ASCII domain name.", nameof(HostName));
        }

        if (MaxMessageSize <= 0)
        {
            throw new ArgumentException($"MaxMessageSize must be positive, not {MaxMessageSize}.", nameof(MaxMessageSize));
        }

        if (MaxRecipients <= 0)
        {
            throw new ArgumentException($"MaxRecipients must be positive, not {MaxRecipients}.", nameof(MaxRecipients));
        }

        if (MaxErrors <= 0 || SoftErrorLimit <= 0)
        {
            throw new ArgumentException($"MaxErrors ({MaxErrors}) and SoftErrorLimit ({SoftErrorLimit}) must be positive.", nameof(MaxErrors));
        }

        if (MaxAuthenticationFailures <= 0)
        {
            throw new ArgumentException($"MaxAuthenticationFailures must be positive, not {MaxAuthenticationFailures}.", nameof(MaxAuthenticationFailures));
        }

        if (ErrorDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"ErrorDelay must not be negative, not {ErrorDelay}.", nameof(ErrorDelay));
        }

        if (CommandTimeout <= TimeSpan.Zero || DataTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"CommandTimeout ({CommandTimeout}) and DataTimeout ({DataTimeout}) must be positive.", nameof(CommandTimeout));
        }

        if (Certificate is { HasPrivateKey: false })
        {
            throw new ArgumentException($"The certificate '{Certificate.Subject}' has no private key.", nameof(Certificate));
        }

        if (Mode != SmtpListenerMode.Mx && Certificate is null)
        {
            throw new ArgumentException($"Mode {Mode} requires a certificate, because it accepts mail only over TLS.", nameof(Certificate));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
