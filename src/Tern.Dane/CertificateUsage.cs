namespace Tern.Dane;

/// <summary>TLSA certificate usage field (RFC 6698 section 2.1.1), with the names of RFC 7218.</summary>
public enum CertificateUsage : byte
{
    PkixTa = 0,
    PkixEe = 1,
    DaneTa = 2,
    DaneEe = 3,
}
