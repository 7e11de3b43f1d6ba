namespace Tern.Dane.Check;

/// <summary>
/// The outcome of one connection to one address, in the words mail operators know from MTA logs.
/// Verified, Trusted and Anonymous pass a check; the other values fail it.
/// </summary>
public enum TlsVerdict
{
    /// <summary>A usable TLSA record matched the chain the server presented.</summary>
    Verified,

    /// <summary>No DANE applies and the chain validated against the WebPKI roots for the host name.</summary>
    Trusted,

    /// <summary>TLS without authentication where authentication was required, or a chain that matched no usable TLSA record.</summary>
    Untrusted,

    /// <summary>TLS without authentication where none was required.</summary>
    Anonymous,

    /// <summary>No TLS session: the connection, the SMTP dialogue or the handshake failed.</summary>
    NoTls,

    /// <summary>Not contacted, because the DNS results make the host unusable.</summary>
    Skipped,
}
