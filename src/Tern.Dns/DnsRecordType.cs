namespace Tern.Dns;

/// <summary>Resource record types that Tern looks up; the values are the IANA type codes.</summary>
public enum DnsRecordType
{
    A = 1,
    Cname = 5,
    Soa = 6,
    Mx = 15,
    Aaaa = 28,
    Tlsa = 52,
}
