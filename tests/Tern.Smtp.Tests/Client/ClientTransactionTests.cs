using System.Text;
using Tern.Smtp.Client;
using Tern.Smtp.Server;

namespace Tern.Smtp.Tests.Client;

/// <summary>
/// The client against Tern's own server session. Each case runs over plaintext and over STARTTLS; the
/// checks of what went over the wire read the recorded plaintext, so they run without TLS only.
/// </summary>
public abstract class ClientTransactionTests
{
    private protected abstract bool UseTls { get; }

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    [Fact]
    public async Task Send_FullTransaction_ArrivesByteIdentical()
    {
        await using var pair = ServerPair.Start();
        await using var client = await pair.ConnectAsync(UseTls);
        var content = "From: a@example.org\r\nTo: b@example.net\r\nSubject: hi\r\n\r\nline one\r\n\r\nline three \t\r\n"u8.ToArray();

        var result = await client.SendAsync(Envelope("a@example.org", "b@example.net"), new MemoryStream(content), Timeout);

        var message = Assert.Single(pair.Handler.Messages);
        Assert.Equal(content, Encoding.UTF8.GetBytes(message.ClientText));
        Assert.Equal("250 2.1.0 Ok\r\n", result.MailReply?.ToString());
        Assert.Equal("250 2.1.5 Ok\r\n", Assert.Single(result.RecipientReplies).ToString());
        Assert.Equal("250 2.0.0 Ok: queued as " + message.Id + "\r\n", result.DataReply?.ToString());
        Assert.Equal(250, result.GetOutcome(0).Code);
        Assert.Equal("a@example.org", message.Envelope.ReversePath?.Address);
        Assert.Equal(UseTls, message.OverTls);
        Assert.Equal(UseTls, client.IsTls);
        Assert.Equal(SmtpBodyType.Unspecified, message.Envelope.BodyType);
        Assert.Equal(content.Length, message.Envelope.DeclaredSize);
    }

    [Fact]
    public async Task Send_DotLines_ArriveUnchanged()
    {
        await using var pair = ServerPair.Start();
        await using var client = await pair.ConnectAsync(UseTls);
        var text = ".starts with a dot\r\n..two dots\r\n.\r\nbody\r\n.";

        var result = await client.SendAsync(Envelope("a@example.org", "b@example.net"), Stream(text), Timeout);

        Assert.Equal(250, result.DataReply?.Code);
        // The content did not end with CRLF, so the client added one before the final dot.
        Assert.Equal(text + "\r\n", Assert.Single(pair.Handler.Messages).ClientText);
    }

    [Fact]
    public async Task Send_EmptyContent_ServerRejects554()
    {
        await using var pair = ServerPair.Start();
        await using var client = await pair.ConnectAsync(UseTls);

        var result = await client.SendAsync(Envelope("a@example.org", "b@example.net"), new MemoryStream(), Timeout);

        // The server rejects zero octets, so the reply shows that the client framed empty content correctly.
        Assert.Equal("554 5.6.0 Message is empty\r\n", result.DataReply?.ToString());
        Assert.Empty(pair.Handler.Messages);
        Assert.False(client.IsFaulted);
    }

    [Fact]
    public async Task Send_RejectedRecipients_OutcomePerRecipient()
    {
        await using var pair = ServerPair.Start();
        await using var client = await pair.ConnectAsync(UseTls);
        var envelope = Envelope("a@example.org", "b@example.net", "unknown@example.net", "c@elsewhere.example", "d@example.net");

        var result = await client.SendAsync(envelope, Stream("Subject: x\r\n\r\nx\r\n"), Timeout);

        Assert.Equal([250, 550, 550, 250], result.RecipientReplies.Select(reply => reply.Code));
        Assert.Equal("5.1.1", result.RecipientReplies[1].EnhancedStatusCode);
        Assert.Equal("5.7.1", result.RecipientReplies[2].EnhancedStatusCode);
        Assert.Equal([250, 550, 550, 250], result.Outcomes.Select(reply => reply.Code));
        var message = Assert.Single(pair.Handler.Messages);
        Assert.Equal(["b@example.net", "d@example.net"], message.Envelope.Recipients.Select(recipient => recipient.Mailbox.Address));
    }

    [Fact]
    public async Task Send_MailRejected_EveryRecipientGetsIt()
    {
        // A submission listener requires STARTTLS first and replies 530 to MAIL without it.
        await using var pair = ServerPair.Start(SmtpListenerMode.Submission);
        await using var client = await pair.ConnectAsync(tls: false);

        var result = await client.SendAsync(Envelope("a@example.org", "b@example.net", "c@example.net"), Stream("x\r\n"), Timeout);

        Assert.Equal(530, result.MailReply?.Code);
        Assert.Equal("5.7.0", result.MailReply?.EnhancedStatusCode);
        Assert.All(result.RecipientReplies, reply => Assert.Same(result.MailReply, reply));
        Assert.Null(result.DataReply);
        Assert.True(result.MailSent);
        Assert.Empty(pair.Handler.Messages);
        Assert.DoesNotContain("DATA", pair.ClientStream.WrittenText, StringComparison.Ordinal);
        Assert.False(client.IsFaulted);
    }

    [Fact]
    public async Task Send_NoAcceptedRecipient_RsetAndNoData()
    {
        await using var pair = ServerPair.Start();
        await using var client = await pair.ConnectAsync(UseTls);

        var result = await client.SendAsync(Envelope("a@example.org", "unknown@example.net", "x@elsewhere.example"), Stream("x\r\n"), Timeout);

        Assert.Equal(250, result.MailReply?.Code);
        Assert.Equal([550, 550], result.RecipientReplies.Select(reply => reply.Code));
        Assert.Null(result.DataReply);
        Assert.Empty(pair.Handler.Messages);
        if (!UseTls)
        {
            var wire = pair.ClientStream.WrittenText;
            Assert.Contains("\r\nRSET\r\n", wire, StringComparison.Ordinal);
            Assert.DoesNotContain("DATA", wire, StringComparison.Ordinal);
        }

        // The RSET left the connection ready for the next message.
        var next = await client.SendAsync(Envelope("a@example.org", "b@example.net"), Stream("y\r\n"), Timeout);
        Assert.Equal(250, next.DataReply?.Code);
    }

    [Fact]
    public async Task Send_OverAnnouncedSize_552WithoutMail()
    {
        await using var pair = ServerPair.Start(maxMessageSize: 100);
        await using var client = await pair.ConnectAsync(UseTls);

        var result = await client.SendAsync(Envelope("a@example.org", "b@example.net", "c@example.net"), Stream(new string('x', 150) + "\r\n"), Timeout);

        Assert.False(result.MailSent);
        Assert.Equal([552, 552], result.RecipientReplies.Select(reply => reply.Code));
        Assert.All(result.Outcomes, reply => Assert.Equal("5.3.4", reply.EnhancedStatusCode));
        Assert.Null(result.DataReply);
        Assert.Empty(pair.Handler.Messages);
        Assert.DoesNotContain("MAIL FROM", pair.ClientStream.WrittenText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_Pipelining_EnvelopeInOneWrite()
    {
        await using var pair = ServerPair.Start();
        await using var client = await pair.ConnectAsync(UseTls);
        Assert.True(client.Capabilities.Pipelining);

        var result = await client.SendAsync(Envelope("a@example.org", "b@example.net", "unknown@example.net", "c@example.net"), Stream("x\r\n"), Timeout);

        Assert.Equal([250, 550, 250], result.RecipientReplies.Select(reply => reply.Code));
        if (!UseTls)
        {
            var envelopeWrite = Encoding.UTF8.GetString(Assert.Single(pair.ClientStream.Writes, write => write.AsSpan().StartsWith("MAIL FROM"u8)));
            Assert.Equal(
                "MAIL FROM:<a@example.org> SIZE=3\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<unknown@example.net>\r\nRCPT TO:<c@example.net>\r\n",
                envelopeWrite);
        }
    }

    [Fact]
    public async Task Send_ManyRecipients_PipelinedInGroups()
    {
        await using var pair = ServerPair.Start();
        await using var client = await pair.ConnectAsync(UseTls);
        var recipients = Enumerable.Range(0, 150).Select(i => $"r{i}@example.net").ToArray();

        var result = await client.SendAsync(Envelope("a@example.org", recipients), Stream("x\r\n"), Timeout);

        // The server accepts 100 recipients per transaction (RFC 5321 section 4.5.3.1.8) and defers the rest with 452.
        Assert.All(result.Outcomes.Take(100), reply => Assert.Equal(250, reply.Code));
        Assert.All(result.Outcomes.Skip(100), reply => Assert.Equal("452 4.5.3 Too many recipients\r\n", reply.ToString()));
        Assert.Equal(100, Assert.Single(pair.Handler.Messages).Envelope.Recipients.Count);
        if (!UseTls)
        {
            var groups = pair.ClientStream.Writes.Where(write => write.AsSpan().StartsWith("MAIL"u8) || write.AsSpan().StartsWith("RCPT"u8)).ToArray();
            Assert.Equal(2, groups.Length);
            Assert.Equal(101, Encoding.ASCII.GetString(groups[0]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Equal(50, Encoding.ASCII.GetString(groups[1]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        }
    }

    [Fact]
    public async Task Send_EightBitMime_DeclaredToServer()
    {
        await using var pair = ServerPair.Start();
        await using var client = await pair.ConnectAsync(UseTls);
        var content = Encoding.UTF8.GetBytes("Subject: caf\u00e9\r\n\r\nna\u00efve\r\n");

        var result = await client.SendAsync(Envelope("a@example.org", "b@example.net") with { EightBitMime = true }, new MemoryStream(content), Timeout);

        Assert.Equal(250, result.DataReply?.Code);
        var message = Assert.Single(pair.Handler.Messages);
        Assert.Equal(SmtpBodyType.EightBitMime, message.Envelope.BodyType);
        Assert.Equal(content, Encoding.UTF8.GetBytes(message.ClientText));
    }

    [Fact]
    public async Task Send_Utf8Address_SmtpUtf8Declared()
    {
        await using var pair = ServerPair.Start();
        await using var client = await pair.ConnectAsync(UseTls);

        var result = await client.SendAsync(Envelope("a@example.org", "j\u00f6rg@example.net"), Stream("x\r\n"), Timeout);

        Assert.Equal(250, result.DataReply?.Code);
        var message = Assert.Single(pair.Handler.Messages);
        Assert.True(message.Envelope.SmtpUtf8);
        Assert.Equal("j\u00f6rg@example.net", Assert.Single(message.Envelope.Recipients).Mailbox.Address);
    }

    [Fact]
    public async Task Send_Chunking_BdatArrivesByteIdentical()
    {
        await using var pair = ServerPair.Start();
        await using var client = await pair.ConnectAsync(UseTls, useChunking: true);
        var text = "Subject: chunked\r\n\r\n.a dot is not stuffed in BDAT\r\n.\r\nend";

        var result = await client.SendAsync(Envelope("a@example.org", "b@example.net"), Stream(text), Timeout);

        Assert.Equal(250, result.DataReply?.Code);
        Assert.Equal(text, Assert.Single(pair.Handler.Messages).ClientText);
        if (!UseTls)
        {
            var wire = pair.ClientStream.WrittenText;
            Assert.Contains("\r\nBDAT " + Encoding.UTF8.GetByteCount(text) + " LAST\r\n", wire, StringComparison.Ordinal);
            Assert.DoesNotContain("DATA", wire, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Send_OneMebibyte_ArrivesByteIdentical(bool useChunking)
    {
        await using var pair = ServerPair.Start();
        await using var client = await pair.ConnectAsync(UseTls, useChunking);

        // The content fills exactly one BDAT chunk, so an empty last chunk follows it. Every 100-octet line
        // starts with a dot, so DATA stuffs dots on both sides of its 64 KiB block boundaries.
        var line = "." + new string('x', 97) + "\r\n";
        var content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(line, 1024 * 1024 / line.Length)) + new string('y', ((1024 * 1024) % line.Length) - 2) + "\r\n");
        Assert.Equal(1024 * 1024, content.Length);

        var result = await client.SendAsync(Envelope("a@example.org", "b@example.net"), new MemoryStream(content), Timeout);

        Assert.Equal(250, result.DataReply?.Code);
        Assert.Equal(content, Encoding.ASCII.GetBytes(Assert.Single(pair.Handler.Messages).ClientText));
        if (useChunking && !UseTls)
        {
            Assert.Contains("BDAT 0 LAST\r\n", pair.ClientStream.WrittenText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Send_TwoMessages_ReuseConnection()
    {
        await using var pair = ServerPair.Start();
        await using var client = await pair.ConnectAsync(UseTls);

        var first = await client.SendAsync(Envelope("a@example.org", "b@example.net"), Stream("one\r\n"), Timeout);
        await client.ResetAsync(Timeout);
        var second = await client.SendAsync(Envelope("", "c@example.net"), Stream("two\r\n"), Timeout);
        await client.QuitAsync(Timeout);

        Assert.Equal(250, first.DataReply?.Code);
        Assert.Equal(250, second.DataReply?.Code);
        Assert.Equal(["one\r\n", "two\r\n"], pair.Handler.Messages.Select(message => message.ClientText));
        Assert.Null(pair.Handler.Messages[1].Envelope.ReversePath);
        Assert.True(client.IsFaulted);
    }

    internal static SmtpClientEnvelope Envelope(string sender, params string[] recipients) =>
        new(sender, [.. recipients.Select(address => new SmtpClientRecipient(address))]);

    internal static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));
}

public sealed class ClientTransactionPlaintextTests : ClientTransactionTests
{
    private protected override bool UseTls => false;
}

public sealed class ClientTransactionTlsTests : ClientTransactionTests
{
    private protected override bool UseTls => true;
}
