namespace Tern.Delivery.Remote;

/// <summary>How remote delivery protects the connection to a destination's MX hosts; the names follow Postfix's TLS security levels.</summary>
public enum TlsPolicy
{
    /// <summary>Never use TLS.</summary>
    None,

    /// <summary>Use STARTTLS when the server offers it, without authentication; otherwise send in plaintext (RFC 3207).</summary>
    May,

    /// <summary>Require TLS without authenticating the server.</summary>
    Encrypt,

    /// <summary>
    /// Opportunistic DANE (RFC 7672): authenticate with TLSA records where DNSSEC-signed ones exist,
    /// require TLS where unusable ones exist, and behave as <see cref="May"/> elsewhere.
    /// </summary>
    Dane,

    /// <summary>Mandatory DANE: deliver only to MX hosts that DANE authenticates.</summary>
    DaneOnly,

    /// <summary>Require TLS and a server certificate that the system trust store validates for the MX host name.</summary>
    Verify,
}
