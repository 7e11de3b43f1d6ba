using System.Text;

namespace Tern.Smtp.Server;

/// <summary>Maps command verbs, which RFC 5321 section 2.4 makes case-insensitive, to <see cref="SmtpCommand"/>.</summary>
internal static class SmtpCommandNames
{
    /// <summary>Returns the command for a verb as sent on the wire.</summary>
    public static SmtpCommand Identify(ReadOnlySpan<byte> verb) => verb.Length switch
    {
        4 when Ascii.EqualsIgnoreCase(verb, "EHLO"u8) => SmtpCommand.Ehlo,
        4 when Ascii.EqualsIgnoreCase(verb, "HELO"u8) => SmtpCommand.Helo,
        4 when Ascii.EqualsIgnoreCase(verb, "MAIL"u8) => SmtpCommand.Mail,
        4 when Ascii.EqualsIgnoreCase(verb, "RCPT"u8) => SmtpCommand.Rcpt,
        4 when Ascii.EqualsIgnoreCase(verb, "DATA"u8) => SmtpCommand.Data,
        4 when Ascii.EqualsIgnoreCase(verb, "BDAT"u8) => SmtpCommand.Bdat,
        4 when Ascii.EqualsIgnoreCase(verb, "RSET"u8) => SmtpCommand.Rset,
        4 when Ascii.EqualsIgnoreCase(verb, "NOOP"u8) => SmtpCommand.Noop,
        4 when Ascii.EqualsIgnoreCase(verb, "QUIT"u8) => SmtpCommand.Quit,
        4 when Ascii.EqualsIgnoreCase(verb, "VRFY"u8) => SmtpCommand.Vrfy,
        4 when Ascii.EqualsIgnoreCase(verb, "HELP"u8) => SmtpCommand.Help,
        4 when Ascii.EqualsIgnoreCase(verb, "EXPN"u8) => SmtpCommand.NotImplemented,
        4 when Ascii.EqualsIgnoreCase(verb, "AUTH"u8) => SmtpCommand.Auth,
        8 when Ascii.EqualsIgnoreCase(verb, "STARTTLS"u8) => SmtpCommand.StartTls,
        _ => SmtpCommand.Unknown,
    };

    /// <summary>Returns the name used in logs; the client's own verb is not logged, since it could be anything.</summary>
    public static string GetName(SmtpCommand command) => command switch
    {
        SmtpCommand.Ehlo => "EHLO",
        SmtpCommand.Helo => "HELO",
        SmtpCommand.Mail => "MAIL",
        SmtpCommand.Rcpt => "RCPT",
        SmtpCommand.Data => "DATA",
        SmtpCommand.Bdat => "BDAT",
        SmtpCommand.Rset => "RSET",
        SmtpCommand.Noop => "NOOP",
        SmtpCommand.Quit => "QUIT",
        SmtpCommand.Vrfy => "VRFY",
        SmtpCommand.Help => "HELP",
        SmtpCommand.StartTls => "STARTTLS",
        SmtpCommand.Auth => "AUTH",
        SmtpCommand.NotImplemented => "unimplemented command",
        _ => "unknown command",
    };
}
