namespace Tern.Smtp.Client;

/// <summary>The step of an SMTP client session in which an error occurred.</summary>
public enum SmtpClientStage
{
    /// <summary>Waiting for the server's greeting.</summary>
    Greeting,

    /// <summary>The EHLO command.</summary>
    Ehlo,

    /// <summary>The HELO command, sent after EHLO was rejected.</summary>
    Helo,

    /// <summary>The STARTTLS command or the TLS handshake.</summary>
    StartTls,

    /// <summary>The MAIL command.</summary>
    Mail,

    /// <summary>A RCPT command.</summary>
    Rcpt,

    /// <summary>The DATA command, the content or the reply after the final dot.</summary>
    Data,

    /// <summary>A BDAT command with its chunk.</summary>
    Bdat,

    /// <summary>The RSET command.</summary>
    Rset,

    /// <summary>The QUIT command.</summary>
    Quit,
}
