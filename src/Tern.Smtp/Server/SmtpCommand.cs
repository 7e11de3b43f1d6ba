namespace Tern.Smtp.Server;

/// <summary>The commands the session distinguishes.</summary>
internal enum SmtpCommand
{
    Unknown,
    Ehlo,
    Helo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Help,
    StartTls,
    Auth,

    /// <summary>A command this server recognizes but does not implement (EXPN).</summary>
    NotImplemented,
}
