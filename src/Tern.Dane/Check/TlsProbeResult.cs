using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Tern.Dane.Check;

/// <summary>
/// What one TLS connection attempt found: the negotiated protocol and cipher suite and the
/// certificates exactly as the server sent them, or the reason no TLS session was established.
/// </summary>
public sealed class TlsProbeResult
{
    public required IPEndPoint EndPoint { get; init; }

    /// <summary>The SNI name sent, or null when none was sent.</summary>
    public string? ServerName { get; init; }

    /// <summary>True when the TLS handshake completed.</summary>
    public bool IsEstablished => Error is null;

    /// <summary>Why no TLS session was established; null when the handshake completed.</summary>
    public string? Error { get; init; }

    /// <summary>The SMTP greeting, for STARTTLS connections that got one.</summary>
    public string? Greeting { get; init; }

    public SslProtocols Protocol { get; init; }

    public TlsCipherSuite? CipherSuite { get; init; }

    /// <summary>The server certificate first, then the other certificates in the order the server sent them.</summary>
    public IReadOnlyList<X509Certificate2> PresentedChain { get; init; } = [];

    /// <summary>
    /// The WebPKI verdict of .NET's own validation against the system roots and <see cref="ServerName"/>:
    /// None means the chain validated and the name matched. Revocation was not checked.
    /// </summary>
    public SslPolicyErrors WebPkiErrors { get; init; }

    /// <summary>The presented certificates ordered from the server certificate up by issuer; the last is the topmost sent.</summary>
    public IReadOnlyList<X509Certificate2> IssuerPath =>
        PresentedChain.Count == 0 ? [] : [.. CertificatePath.Build([.. PresentedChain.Select(c => new ChainCertificate(c))]).Select(c => c.Certificate)];

    internal static TlsProbeResult Failed(IPEndPoint endPoint, string? serverName, string error, string? greeting = null) =>
        new() { EndPoint = endPoint, ServerName = serverName, Error = error, Greeting = greeting };
}
