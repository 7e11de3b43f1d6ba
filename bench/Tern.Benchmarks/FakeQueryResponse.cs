using DnsClient;
using DnsClient.Protocol;

namespace Tern.Benchmarks;

/// <summary>
/// A DnsClient response built in memory, as <see cref="LookupClient"/> returns it after parsing a
/// packet, so that answer handling can be measured without a network.
/// </summary>
internal sealed class FakeQueryResponse : IDnsQueryResponse
{
    // QR, RD, RA and AD set, RCODE 0 (NOERROR): the flags word of a validated answer (RFC 4035 section 3.2.3).
    private const ushort ValidatedNoErrorFlags = 0x81A0;

    public FakeQueryResponse(string name, QueryType type, IReadOnlyList<DnsResourceRecord> answers)
    {
        Questions = [new DnsQuestion(name, type)];
        Answers = answers;
        Header = new DnsResponseHeader(1, ValidatedNoErrorFlags, 1, answers.Count, 0, 0);
    }

    public IReadOnlyList<DnsQuestion> Questions { get; }

    public IReadOnlyList<DnsResourceRecord> Additionals => [];

    public IEnumerable<DnsResourceRecord> AllRecords => Answers;

    public IReadOnlyList<DnsResourceRecord> Answers { get; }

    public IReadOnlyList<DnsResourceRecord> Authorities => [];

    public string AuditTrail => string.Empty;

    public string ErrorMessage => string.Empty;

    public bool HasError => false;

    public DnsResponseHeader Header { get; }

    public int MessageSize => 512;

    public NameServer NameServer { get; } = new(System.Net.IPAddress.Loopback, 53);

    public DnsQuerySettings Settings => null!;
}
