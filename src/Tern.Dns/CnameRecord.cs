namespace Tern.Dns;

/// <summary>A CNAME record: <see cref="DnsRecord.Name"/> is an alias of <see cref="Target"/>.</summary>
public sealed record CnameRecord(string Name, int TimeToLive, string Target) : DnsRecord(Name, TimeToLive)
{
    public override DnsRecordType Type => DnsRecordType.Cname;
}
