namespace Tern.Delivery.Remote;

/// <summary>What one connection to an MX host does about TLS, after the policy and DANE have been applied.</summary>
internal enum TlsMode
{
    /// <summary>No STARTTLS.</summary>
    Plaintext,

    /// <summary>STARTTLS when offered, any certificate accepted, plaintext otherwise.</summary>
    Opportunistic,

    /// <summary>STARTTLS required, any certificate accepted.</summary>
    Required,

    /// <summary>STARTTLS required and the certificate must match the host's usable TLSA records.</summary>
    DaneAuthenticated,

    /// <summary>STARTTLS required and the certificate must be valid for the host name in the system trust store.</summary>
    WebPkiVerified,
}
