using System.Net;
using System.Net.Security;
using System.Security.Authentication;

namespace Tern.Smtp.Server;

/// <summary>
/// What is known about the client connection of one SMTP session. The session updates the EHLO name,
/// TLS and authentication state as the conversation goes on; handlers read them.
/// </summary>
public sealed class SmtpSessionContext
{
    /// <summary>Creates the context for a new connection.</summary>
    public SmtpSessionContext(string sessionId, IPEndPoint remoteEndPoint, IPEndPoint localEndPoint, SmtpListenerMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(remoteEndPoint);
        ArgumentNullException.ThrowIfNull(localEndPoint);
        SessionId = sessionId;
        RemoteEndPoint = remoteEndPoint;
        LocalEndPoint = localEndPoint;
        Mode = mode;
    }

    /// <summary>The id that every log line of the session carries.</summary>
    public string SessionId { get; }

    /// <summary>The client's address and port.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>The local address and port the client connected to.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The listener's mode.</summary>
    public SmtpListenerMode Mode { get; }

    /// <summary>The argument of the last EHLO or HELO, or null before one and after STARTTLS.</summary>
    public string? HeloName { get; internal set; }

    /// <summary>True when the last greeting was EHLO rather than HELO.</summary>
    public bool IsExtendedHello { get; internal set; }

    /// <summary>The negotiated TLS version, or null before TLS.</summary>
    public SslProtocols? TlsProtocol { get; internal set; }

    /// <summary>The negotiated cipher suite, or null before TLS.</summary>
    public TlsCipherSuite? TlsCipherSuite { get; internal set; }

    /// <summary>True once the TLS handshake has completed.</summary>
    public bool IsTls => TlsProtocol is not null;

    /// <summary>
    /// The user name that SMTP AUTH (RFC 4954) authenticated, as the authenticator spells it, or null.
    /// It is set only inside TLS and stays for the rest of the session.
    /// </summary>
    public string? AuthenticatedUser { get; internal set; }
}
