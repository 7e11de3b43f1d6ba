using System.Net;
using System.Net.Sockets;

namespace Tern.Dns;

/// <summary>An A or AAAA record; the type follows from the address family.</summary>
public sealed record AddressRecord(string Name, int TimeToLive, IPAddress Address) : DnsRecord(Name, TimeToLive)
{
    public override DnsRecordType Type =>
        Address.AddressFamily == AddressFamily.InterNetworkV6 ? DnsRecordType.Aaaa : DnsRecordType.A;
}
