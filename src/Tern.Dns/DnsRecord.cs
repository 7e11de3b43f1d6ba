namespace Tern.Dns;

/// <summary>
/// A resource record from an answer. <see cref="Name"/> is the owner name in lower case without the
/// trailing dot; <see cref="TimeToLive"/> is in seconds, as received.
/// </summary>
public abstract record DnsRecord(string Name, int TimeToLive)
{
    public abstract DnsRecordType Type { get; }
}
