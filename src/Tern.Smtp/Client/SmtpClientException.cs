namespace Tern.Smtp.Client;

/// <summary>
/// An SMTP client session failed: the server's reply ended the session or a step of it, or the server
/// broke the protocol. <see cref="Reply"/> is the reply when there was one.
/// </summary>
public sealed class SmtpClientException : Exception
{
    /// <summary>Creates an exception with a generic message.</summary>
    public SmtpClientException()
        : this("The SMTP session failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public SmtpClientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    public SmtpClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a stage, with the server's reply if there was one.</summary>
    public SmtpClientException(SmtpClientStage stage, SmtpReply? reply, string message)
        : base(message)
    {
        Stage = stage;
        Reply = reply;
    }

    /// <summary>The step that failed.</summary>
    public SmtpClientStage Stage { get; }

    /// <summary>The server's reply that caused the failure, or null for a protocol error or a local decision.</summary>
    public SmtpReply? Reply { get; }
}
