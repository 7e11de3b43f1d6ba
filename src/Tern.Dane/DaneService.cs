namespace Tern.Dane;

/// <summary>The kind of service a TLSA record protects, which decides the usable certificate usages.</summary>
public enum DaneService
{
    /// <summary>SMTP between MTAs: only DANE-TA and DANE-EE apply (RFC 7672 section 3.1.3).</summary>
    Smtp,

    /// <summary>HTTPS and other services: PKIX-TA and PKIX-EE also apply, with WebPKI validation (RFC 6698 section 2.1.1).</summary>
    Other,
}
