using Tern.Dane;

namespace Tern.Delivery.Remote;

/// <summary>How to connect to one MX host under the destination's TLS policy, or why not to connect at all.</summary>
/// <param name="Mode">The TLS requirement for the connection.</param>
/// <param name="ServerName">The SNI name and, under WebPKI verification, the name the certificate must carry.</param>
/// <param name="Dane">The DANE decision whose TLSA records authenticate the server; null unless <paramref name="Mode"/> is DaneAuthenticated.</param>
/// <param name="SkipReason">Why the host must not be tried now; null when it may be.</param>
internal sealed record TlsPlan(TlsMode Mode, string ServerName, SmtpDaneDecision? Dane = null, string? SkipReason = null)
{
    /// <summary>Whether TLS is required, so that the message must never be sent in plaintext.</summary>
    public bool RequiresTls => Mode is TlsMode.Required or TlsMode.DaneAuthenticated or TlsMode.WebPkiVerified;

    public static TlsPlan Skip(string serverName, string reason) => new(TlsMode.Required, serverName, SkipReason: reason);
}
