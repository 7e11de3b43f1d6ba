namespace Tern.Smtp.Server;

/// <summary>The MAIL RET parameter (RFC 3461 section 4.3): how much of the message a failure notification returns.</summary>
public enum DsnReturn
{
    /// <summary>RET=FULL: the whole message.</summary>
    Full,

    /// <summary>RET=HDRS: the header section only.</summary>
    Headers,
}
