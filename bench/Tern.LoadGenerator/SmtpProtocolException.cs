namespace Tern.LoadGenerator;

/// <summary>The server broke the SMTP protocol or closed the connection, so the connection cannot go on.</summary>
internal sealed class SmtpProtocolException : Exception
{
    public SmtpProtocolException()
    {
    }

    public SmtpProtocolException(string message)
        : base(message)
    {
    }

    public SmtpProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
