using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Tern.Dns.Tests;

/// <summary>Encodes DNS responses and decodes the parts of a query that the fake server needs (RFC 1035 section 4).</summary>
internal static class DnsMessage
{
    public const ushort TypeA = 1;
    public const ushort TypeCname = 5;
    public const ushort TypeSoa = 6;
    public const ushort TypeOpt = 41;
    public const ushort TypeTlsa = 52;

    public const int NoError = 0;
    public const int ServFail = 2;
    public const int NxDomain = 3;
    public const int Refused = 5;

    public static DnsQuery ParseQuery(byte[] message)
    {
        var id = BinaryPrimitives.ReadUInt16BigEndian(message);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(2));
        var additionalCount = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(10));
        var offset = 12;
        var name = ReadName(message, ref offset);
        var type = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset));
        offset += 4;

        // The DO bit is the top bit of the OPT record's TTL field (RFC 6891 section 6.1.3).
        var dnssecOk = false;
        for (var i = 0; i < additionalCount; i++)
        {
            ReadName(message, ref offset);
            var rrType = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset));
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(offset + 4));
            var length = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(offset + 8));
            dnssecOk |= rrType == TypeOpt && (ttl & 0x8000) != 0;
            offset += 10 + length;
        }

        return new DnsQuery(id, name, type, RecursionDesired: (flags & 0x0100) != 0, dnssecOk, message);
    }

    public static byte[] Response(
        DnsQuery query,
        int rcode = NoError,
        bool authenticData = false,
        bool truncated = false,
        IReadOnlyList<byte[]>? answers = null,
        IReadOnlyList<byte[]>? authorities = null)
    {
        answers ??= [];
        authorities ??= [];
        var output = new List<byte>();
        WriteUInt16(output, query.Id);

        // QR, RD copied from the query, RA, then AD and RCODE.
        var flags = 0x8000 | (truncated ? 0x0200 : 0) | (query.RecursionDesired ? 0x0100 : 0) | 0x0080 | (authenticData ? 0x0020 : 0) | rcode;
        WriteUInt16(output, (ushort)flags);
        WriteUInt16(output, 1);
        WriteUInt16(output, (ushort)answers.Count);
        WriteUInt16(output, (ushort)authorities.Count);
        WriteUInt16(output, 0);
        output.AddRange(EncodeName(query.Name));
        WriteUInt16(output, query.Type);
        WriteUInt16(output, 1);
        foreach (var record in answers.Concat(authorities))
        {
            output.AddRange(record);
        }

        return [.. output];
    }

    public static byte[] A(string name, int ttl, string address) =>
        Record(name, TypeA, ttl, IPAddress.Parse(address).GetAddressBytes());

    public static byte[] Cname(string name, int ttl, string target) =>
        Record(name, TypeCname, ttl, EncodeName(target));

    public static byte[] Tlsa(string name, int ttl, byte usage, byte selector, byte matchingType, byte[] data) =>
        Record(name, TypeTlsa, ttl, [usage, selector, matchingType, .. data]);

    public static byte[] Soa(string zone, int ttl, uint minimum)
    {
        var data = new List<byte>();
        data.AddRange(EncodeName("ns." + zone));
        data.AddRange(EncodeName("hostmaster." + zone));
        foreach (var value in new uint[] { 1, 3600, 600, 86400, minimum })
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            data.AddRange(bytes);
        }

        return Record(zone, TypeSoa, ttl, [.. data]);
    }

    private static byte[] Record(string name, ushort type, int ttl, byte[] data)
    {
        var output = new List<byte>(EncodeName(name));
        WriteUInt16(output, type);
        WriteUInt16(output, 1);
        var ttlBytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(ttlBytes, ttl);
        output.AddRange(ttlBytes);
        WriteUInt16(output, (ushort)data.Length);
        output.AddRange(data);
        return [.. output];
    }

    private static byte[] EncodeName(string name)
    {
        var output = new List<byte>();
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            output.Add((byte)label.Length);
            output.AddRange(Encoding.ASCII.GetBytes(label));
        }

        output.Add(0);
        return [.. output];
    }

    private static string ReadName(byte[] message, ref int offset)
    {
        var labels = new List<string>();
        while (message[offset] != 0)
        {
            var length = message[offset];
            labels.Add(Encoding.ASCII.GetString(message, offset + 1, length));
            offset += length + 1;
        }

        offset++;
        return string.Join('.', labels);
    }

    private static void WriteUInt16(List<byte> output, ushort value)
    {
        output.Add((byte)(value >> 8));
        output.Add((byte)value);
    }
}

/// <summary>The fields of a received query that tests look at.</summary>
internal sealed record DnsQuery(ushort Id, string Name, ushort Type, bool RecursionDesired, bool DnssecOk, byte[] Raw);
