namespace Tern.Smtp.Server;

/// <summary>The role of the listener a session runs on.</summary>
public enum SmtpListenerMode
{
    /// <summary>Mail exchange on port 25: accepts mail for local domains, STARTTLS optional.</summary>
    Mx,

    /// <summary>Message submission on port 587 (RFC 6409): STARTTLS is required before MAIL.</summary>
    Submission,

    /// <summary>Submission over implicit TLS on port 465 (RFC 8314): the TLS handshake comes before the greeting.</summary>
    ImplicitTls,
}
