using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Tern.Smtp.Server;

/// <summary>
/// Builds the Received trace header field that RFC 5321 section 4.4 requires a server to add when it
/// accepts a message. It is written before the message content.
/// </summary>
internal static class ReceivedHeader
{
    /// <summary>Returns the header field, folded over several lines and ending in CRLF, encoded as UTF-8.</summary>
    /// <param name="session">The session, for the EHLO name, client address, TLS and authentication state.</param>
    /// <param name="envelope">The transaction, for SMTPUTF8 and the recipient list.</param>
    /// <param name="hostName">This server's host name.</param>
    /// <param name="queueId">The queue id the message will have.</param>
    /// <param name="timestamp">The time of receipt.</param>
    public static byte[] Build(SmtpSessionContext session, SmtpEnvelope envelope, string hostName, string queueId, DateTimeOffset timestamp)
    {
        // Stamp = From-domain By-domain Opt-info [CFWS] ";" FWS date-time (RFC 5321 section 4.4),
        // where From-domain may carry the client's address literal as TCP-info in a comment.
        var builder = new StringBuilder(256);
        builder.Append("Received: from ").Append(session.HeloName ?? "unknown");
        builder.Append(" (").Append(FormatAddressLiteral(session.RemoteEndPoint.Address)).Append(")\r\n");
        builder.Append("\tby ").Append(hostName).Append(" with ").Append(GetProtocol(session, envelope));
        if (session.TlsProtocol is { } protocol)
        {
            builder.Append("\r\n\t(using ").Append(TlsProtocolName.Format(protocol));
            builder.Append(" with cipher ").Append(session.TlsCipherSuite?.ToString() ?? "unknown").Append(')');
        }

        builder.Append("\r\n\tid ").Append(queueId);

        // With several recipients a "for" clause would tell each of them about the others (section 7.2).
        if (envelope.Recipients.Count == 1)
        {
            builder.Append("\r\n\tfor <").Append(envelope.Recipients[0].Mailbox.Address).Append('>');
        }

        builder.Append("; ").Append(FormatDate(timestamp)).Append("\r\n");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>
    /// Returns the "with" protocol name: ESMTP with "S" after TLS and "A" after authentication
    /// (RFC 3848), UTF8SMTP in the same forms for SMTPUTF8 transactions (RFC 6531 section 3.7.3),
    /// and SMTP after HELO. RFC 3848 registers no TLS or authenticated variant of plain SMTP, and after
    /// HELO no transaction can use SMTPUTF8, so the name is SMTP whatever the envelope contains.
    /// </summary>
    internal static string GetProtocol(SmtpSessionContext session, SmtpEnvelope envelope)
    {
        if (!session.IsExtendedHello)
        {
            return "SMTP";
        }

        var name = envelope.SmtpUtf8 ? "UTF8SMTP" : "ESMTP";
        if (session.IsTls)
        {
            name += "S";
        }

        if (session.AuthenticatedUser is not null)
        {
            name += "A";
        }

        return name;
    }

    // RFC 5321 section 4.1.3 address literals; an IPv4-mapped IPv6 address from a dual-stack socket is
    // shown as the IPv4 address it is.
    private static string FormatAddressLiteral(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // Drop the zone id, which is local to this host.
            return "[IPv6:" + new IPAddress(address.GetAddressBytes()) + "]";
        }

        return "[" + address + "]";
    }

    // RFC 5322 section 3.3 date-time, always in UTC.
    private static string FormatDate(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " +0000";
}
