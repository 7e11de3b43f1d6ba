namespace Tern.Dns;

/// <summary>
/// The four fields of a TLSA record (RFC 6698 section 2.1) as received, without interpretation.
/// Tern.Dane parses them into its TlsaRecord and decides which are usable.
/// </summary>
public sealed record TlsaResourceRecord(
    string Name,
    int TimeToLive,
    byte CertificateUsage,
    byte Selector,
    byte MatchingType,
    ReadOnlyMemory<byte> CertificateAssociationData) : DnsRecord(Name, TimeToLive)
{
    public override DnsRecordType Type => DnsRecordType.Tlsa;
}
