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

    /// <summary>A command this server recognizes but does not implement (EXPN, AUTH for now).</summary>
    NotImplemented,
}
