namespace Tern.Dns;

/// <summary>An MX record; <see cref="Exchange"/> is normalized like every name (lower case, no trailing dot).</summary>
public sealed record MxRecord(string Name, int TimeToLive, ushort Preference, string Exchange) : DnsRecord(Name, TimeToLive)
{
    public override DnsRecordType Type => DnsRecordType.Mx;
}
