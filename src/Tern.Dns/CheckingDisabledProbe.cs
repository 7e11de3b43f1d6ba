using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Tern.Dns;

/// <summary>
/// Repeats a query that a validating resolver answered with SERVFAIL, with the CD (checking disabled)
/// bit set. If the resolver then answers, the data exists but failed DNSSEC validation: it is bogus,
/// not merely unreachable (RFC 4035 section 3.2.2 and RFC 6840 section 5.9 describe the CD bit).
/// </summary>
/// <remarks>
/// DnsClient cannot set the CD bit, so this sends one small UDP query of its own. Only the response
/// code is read; the records in a CD answer are unvalidated and never used.
/// </remarks>
internal static class CheckingDisabledProbe
{
    private const ushort RecursionDesired = 0x0100;
    private const ushort CheckingDisabled = 0x0010;
    private const ushort ResponseFlag = 0x8000;

    /// <summary>Returns the response code of the CD query, or null when no usable response came in time.</summary>
    public static async Task<int?> QueryAsync(IPEndPoint server, string name, ushort type, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var id = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
        byte[] query;
        try
        {
            query = BuildQuery(id, name, type);
        }
        catch (ArgumentException)
        {
            return null;
        }

        using var socket = new UdpClient(server.AddressFamily);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            socket.Connect(server);
            await socket.SendAsync(query, deadline.Token);
            while (true)
            {
                var received = await socket.ReceiveAsync(deadline.Token);
                var buffer = received.Buffer;
                if (buffer.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(buffer) != id)
                {
                    // Not the answer to this query; keep waiting for it until the deadline.
                    continue;
                }

                var flags = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2));
                return (flags & ResponseFlag) == 0 ? null : flags & 0x000F;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static byte[] BuildQuery(ushort id, string name, ushort type)
    {
        var message = new List<byte>(64);
        AppendUInt16(message, id);
        AppendUInt16(message, RecursionDesired | CheckingDisabled);
        AppendUInt16(message, 1); // QDCOUNT
        AppendUInt16(message, 0); // ANCOUNT
        AppendUInt16(message, 0); // NSCOUNT
        AppendUInt16(message, 1); // ARCOUNT: the OPT record

        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            if (bytes.Length > 63)
            {
                throw new ArgumentException($"label '{label}' is longer than 63 octets", nameof(name));
            }

            message.Add((byte)bytes.Length);
            message.AddRange(bytes);
        }

        message.Add(0);
        AppendUInt16(message, type);
        AppendUInt16(message, 1); // IN

        // EDNS(0) OPT with the DO bit, as the main query sends (RFC 6891, RFC 3225).
        message.Add(0);
        AppendUInt16(message, 41);
        AppendUInt16(message, 1232);
        AppendUInt16(message, 0);
        AppendUInt16(message, 0x8000);
        AppendUInt16(message, 0);
        return [.. message];
    }

    private static void AppendUInt16(List<byte> message, int value)
    {
        message.Add((byte)(value >> 8));
        message.Add((byte)value);
    }
}
