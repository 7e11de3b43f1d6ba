using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using Tern.Smtp.Server;

namespace Tern.Smtp.Tests;

/// <summary>The Received trace field of RFC 5321 section 4.4.</summary>
public sealed class ReceivedHeaderTests
{
    private static readonly DateTimeOffset Timestamp = new(2025, 12, 4, 22, 15, 30, TimeSpan.FromHours(1));

    [Fact]
    public void Plaintext_OneRecipient_FullStamp()
    {
        var session = CreateContext(IPAddress.Parse("192.0.2.10"));
        var envelope = new SmtpEnvelope(new Mailbox("a", "example.org"), [new SmtpRecipient(new Mailbox("b", "example.net"))]);

        var header = Build(session, envelope);

        Assert.Equal(
            "Received: from client.example.org ([192.0.2.10])\r\n" +
            "\tby mx.example.net with ESMTP\r\n" +
            "\tid Q0001\r\n" +
            "\tfor <b@example.net>; Thu, 04 Dec 2025 21:15:30 +0000\r\n",
            header);
    }

    [Fact]
    public void TwoRecipients_NoForClause()
    {
        var envelope = new SmtpEnvelope(null, [new SmtpRecipient(new Mailbox("b", "example.net")), new SmtpRecipient(new Mailbox("c", "example.net"))]);

        var header = Build(CreateContext(IPAddress.Parse("192.0.2.10")), envelope);

        Assert.DoesNotContain("for <", header, StringComparison.Ordinal);
        Assert.Contains("\tid Q0001; Thu, 04 Dec 2025 21:15:30 +0000\r\n", header, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_ProtocolAndCipherInComment()
    {
        var session = CreateContext(IPAddress.Parse("192.0.2.10"));
        session.TlsProtocol = SslProtocols.Tls13;
        session.TlsCipherSuite = TlsCipherSuite.TLS_AES_256_GCM_SHA384;

        var header = Build(session, new SmtpEnvelope(null));

        Assert.Contains("\tby mx.example.net with ESMTPS\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)\r\n", header, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6Client_AddressLiteralWithTag()
    {
        var header = Build(CreateContext(IPAddress.Parse("2001:db8::7")), new SmtpEnvelope(null));

        Assert.StartsWith("Received: from client.example.org ([IPv6:2001:db8::7])\r\n", header, StringComparison.Ordinal);
    }

    [Fact]
    public void MappedIpv4Client_ShownAsIpv4()
    {
        var header = Build(CreateContext(IPAddress.Parse("192.0.2.10").MapToIPv6()), new SmtpEnvelope(null));

        Assert.StartsWith("Received: from client.example.org ([192.0.2.10])\r\n", header, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, false, false, false, "ESMTP")]
    [InlineData(true, true, false, false, "ESMTPS")]
    [InlineData(true, false, true, false, "ESMTPA")]
    [InlineData(true, true, true, false, "ESMTPSA")]
    [InlineData(true, false, false, true, "UTF8SMTP")]
    [InlineData(true, true, false, true, "UTF8SMTPS")]
    [InlineData(true, true, true, true, "UTF8SMTPSA")]
    [InlineData(false, false, false, false, "SMTP")]
    [InlineData(false, true, false, false, "SMTP")]
    [InlineData(false, false, false, true, "SMTP")]
    public void Protocol_NamedPerRfc3848And6531(bool ehlo, bool tls, bool authenticated, bool smtpUtf8, string expected)
    {
        var session = CreateContext(IPAddress.Loopback);
        session.IsExtendedHello = ehlo;
        session.TlsProtocol = tls ? SslProtocols.Tls12 : null;
        session.AuthenticatedUser = authenticated ? "user" : null;

        Assert.Equal(expected, ReceivedHeader.GetProtocol(session, new SmtpEnvelope(null) { SmtpUtf8 = smtpUtf8 }));
    }

    private static SmtpSessionContext CreateContext(IPAddress client) =>
        new("s1", new IPEndPoint(client, 40000), new IPEndPoint(IPAddress.Loopback, 25), SmtpListenerMode.Mx)
        {
            HeloName = "client.example.org",
            IsExtendedHello = true,
        };

    private static string Build(SmtpSessionContext session, SmtpEnvelope envelope) =>
        Encoding.UTF8.GetString(ReceivedHeader.Build(session, envelope, "mx.example.net", "Q0001", Timestamp));
}
