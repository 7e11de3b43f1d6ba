using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Tern.Smtp.Server;
using Tern.Smtp.Tests.Infrastructure;

namespace Tern.Smtp.Tests;

/// <summary>STARTTLS (RFC 3207), implicit TLS (RFC 8314) and what TLS changes in the session.</summary>
public sealed class StartTlsTests
{
    [Fact]
    public async Task StartTls_InjectedCommand_NeverAnswered()
    {
        await using var harness = SessionHarness.Start();
        await harness.Client.ReadReplyAsync();
        await harness.Client.CommandAsync("EHLO a");

        await harness.Client.SendAsync("STARTTLS\r\nMAIL FROM:<x@example.net>\r\n");
        Assert.Equal(["220 2.0.0 Ready to start TLS"], (await harness.Client.ReadReplyAsync()).Lines);
        await harness.Client.StartTlsAsync();
        var ehlo = await harness.Client.CommandAsync("EHLO a");

        // Replies come in order: a reply to the injected MAIL would arrive before the NOOP's.
        Assert.Equal(250, ehlo.Code);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.CommandAsync("NOOP")).First);
        Assert.Equal(250, (await harness.Client.CommandAsync("MAIL FROM:<y@example.net>")).Code);
        Assert.Contains(harness.Logger.Entries, entry => entry.EventId == 1003 && entry.Message.Contains("27 octets", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartTls_MailWithoutNewEhlo_Gets503()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        Assert.Equal(220, (await harness.Client.CommandAsync("STARTTLS")).Code);
        await harness.Client.StartTlsAsync();

        Assert.Equal("503 5.5.1 Send EHLO or HELO first", (await harness.Client.CommandAsync("MAIL FROM:<a@example.org>")).First);
        var ehlo = await harness.Client.CommandAsync("EHLO a");
        Assert.Equal(250, ehlo.Code);
        Assert.DoesNotContain(ehlo.Lines, line => line.Contains("STARTTLS", StringComparison.Ordinal));
        Assert.Equal("503 5.5.1 TLS already active", (await harness.Client.CommandAsync("STARTTLS")).First);
    }

    [Fact]
    public async Task StartTls_Handshake_ContextRecordsTls()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync(tls: true);

        Assert.NotNull(harness.Client.Tls);
        Assert.Equal(harness.Client.Tls.SslProtocol, harness.Context.TlsProtocol);
        Assert.Equal(harness.Client.Tls.NegotiatedCipherSuite, harness.Context.TlsCipherSuite);
        Assert.Equal("client.example.org", harness.Context.HeloName);
        Assert.Contains(harness.Logger.Entries, entry => entry.EventId == 1001);
    }

    [Fact]
    public async Task StartTls_GarbageHandshake_EndsQuietly()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("STARTTLS");

        // Garbage instead of a ClientHello: the server must end the session without a plaintext reply.
        await harness.Client.SendAsync("this is not a TLS record\r\n");

        Assert.True(await harness.Client.ReadEndOfStreamAsync());
        await harness.WaitForEndAsync();
        Assert.Contains(harness.Logger.Entries, entry => entry.EventId == 1002);
    }

    [Fact]
    public async Task StartTls_FailedHandshake_OneLineWithoutException()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("STARTTLS");

        await harness.Client.SendAsync("this is not a TLS record\r\n");
        await harness.WaitForEndAsync();

        var summary = Assert.Single(harness.Logger.Entries, entry => entry.EventId == 1002);
        var detail = Assert.Single(harness.Logger.Entries, entry => entry.EventId == 1014);
        Assert.Equal(LogLevel.Information, summary.Level);
        Assert.Null(summary.Exception);
        Assert.StartsWith($"Session {harness.Context.SessionId} from 192.0.2.10:40000: TLS handshake failed: ", summary.Message, StringComparison.Ordinal);
        Assert.EndsWith("; closing the connection", summary.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', summary.Message);
        Assert.Equal(LogLevel.Debug, detail.Level);
        Assert.NotNull(detail.Exception);
        Assert.Contains(detail.Exception.Message.TrimEnd('.'), summary.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTls_DuringTransaction_Gets503()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");

        Assert.StartsWith("503 5.5.1 ", (await harness.Client.CommandAsync("STARTTLS")).First, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTls_WithArgument_Gets501()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        Assert.StartsWith("501 5.5.4 ", (await harness.Client.CommandAsync("STARTTLS now")).First, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImplicitTls_HandshakeBeforeGreeting_AcceptsMail()
    {
        await using var harness = SessionHarness.Start(SmtpListenerMode.ImplicitTls);
        await harness.Client.StartTlsAsync();

        Assert.Equal(220, (await harness.Client.ReadReplyAsync()).Code);
        var ehlo = await harness.Client.CommandAsync("EHLO a");
        Assert.DoesNotContain(ehlo.Lines, line => line.Contains("STARTTLS", StringComparison.Ordinal));
        Assert.Equal(250, (await harness.Client.CommandAsync("MAIL FROM:<a@example.org>")).Code);
        Assert.Equal(250, (await harness.Client.CommandAsync("RCPT TO:<b@example.net>")).Code);
        await harness.Client.CommandAsync("DATA");
        await harness.Client.SendAsync("Subject: tls\r\n\r\nbody\r\n.\r\n");
        Assert.Equal(250, (await harness.Client.ReadReplyAsync()).Code);

        Assert.Contains(" with ESMTPS\r\n", Assert.Single(harness.Handler.Messages).ReceivedHeader, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Received_AfterStartTls_NamesProtocolAndCipher()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync(tls: true);
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.CommandAsync("DATA");
        await harness.Client.SendAsync("x\r\n.\r\n");
        await harness.Client.ReadReplyAsync();

        var tls = harness.Client.Tls!;
        var expectedVersion = tls.SslProtocol == SslProtocols.Tls13 ? "TLSv1.3" : "TLSv1.2";
        var received = Assert.Single(harness.Handler.Messages).ReceivedHeader;
        Assert.Contains(" with ESMTPS\r\n", received, StringComparison.Ordinal);
        Assert.Contains($"\t(using {expectedVersion} with cipher {tls.NegotiatedCipherSuite})\r\n", received, StringComparison.Ordinal);
    }
}
