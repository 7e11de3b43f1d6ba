namespace Tern.Dane;

/// <summary>TLSA selector field (RFC 6698 section 2.1.2): which part of the certificate is matched.</summary>
public enum Selector : byte
{
    FullCertificate = 0,
    SubjectPublicKeyInfo = 1,
}
