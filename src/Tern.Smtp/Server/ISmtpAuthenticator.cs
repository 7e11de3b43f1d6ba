namespace Tern.Smtp.Server;

/// <summary>
/// Checks the credentials that a client sends with SMTP AUTH (RFC 4954). The session decodes the SASL
/// mechanism and calls this only inside TLS; the implementation owns the user store.
/// </summary>
public interface ISmtpAuthenticator
{
    /// <summary>
    /// Checks one user name and password. Returns <see cref="SmtpAuthenticationResult.Failure"/> for
    /// an unknown user or a wrong password alike. An exception makes the session reply 454 4.7.0.
    /// </summary>
    ValueTask<SmtpAuthenticationResult> AuthenticateAsync(string userName, string password, SmtpSessionContext session, CancellationToken cancellationToken);
}
