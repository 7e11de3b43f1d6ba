namespace Tern.Dane;

/// <summary>What RFC 7672 section 2.2 requires of a delivery attempt to one MX host.</summary>
public enum DaneSmtpRequirement
{
    /// <summary>DANE does not apply: use TLS when offered, without authentication, as without DANE.</summary>
    OpportunisticTls,

    /// <summary>TLS is required and the server chain must match one of the usable TLSA records.</summary>
    AuthenticatedTls,

    /// <summary>Secure TLSA records exist but none is usable: TLS is required, authentication is not (RFC 7672 section 2.2).</summary>
    UnauthenticatedTls,

    /// <summary>The DNS results cannot be trusted or were not obtained: skip this host now and retry later.</summary>
    Defer,
}
