using Tern.Smtp.Server;
using Tern.Smtp.Tests.Infrastructure;

namespace Tern.Smtp.Tests;

/// <summary>MAIL and RCPT through a session: what reaches the envelope and what is rejected.</summary>
public sealed class EnvelopeTests
{
    [Theory]
    [InlineData("MAIL FROM:<\" \"@example.net>", "250 2.1.0 Ok")]
    [InlineData("MAIL FROM:<just\"not\"right@example.net>", "501 5.1.7 Invalid sender address syntax")]
    [InlineData("MAIL FROM:<@a.example,@b.example:user@c.example>", "250 2.1.0 Ok")]
    [InlineData("MAIL FROM:<a@example.org> SIZE=10240001", "552 5.3.4 Declared SIZE exceeds the maximum message size")]
    [InlineData("MAIL FROM:<a@example.org> FOO=BAR", "555 5.5.4 Unsupported parameter FOO")]
    [InlineData("MAIL FROM:<a@example.org> BODY=9BIT", "501 5.5.4 Invalid BODY parameter")]
    [InlineData("MAIL FROM:<ü@example.org>", "553 5.6.7 Non-ASCII address requires the SMTPUTF8 parameter")]
    public async Task Mail_Argument_Reply(string command, string expected)
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        Assert.Equal(expected, (await harness.Client.CommandAsync(command)).First);
    }

    [Theory]
    [InlineData("RCPT TO:<Postmaster>", "250 2.1.5 Ok")]
    [InlineData("RCPT TO:<postmaster@example.net>", "250 2.1.5 Ok")]
    [InlineData("RCPT TO:<b@[192.0.2.1]>", "250 2.1.5 Ok")]
    [InlineData("RCPT TO:<>", "501 5.1.3 Invalid recipient address syntax")]
    [InlineData("RCPT TO:<b@example..net>", "501 5.1.3 Invalid recipient address syntax")]
    [InlineData("RCPT TO:<b@example.net> NOTIFY=MAYBE", "501 5.5.4 Invalid NOTIFY parameter")]
    [InlineData("RCPT TO:<ü@example.net>", "553 5.6.7 Non-ASCII address requires the SMTPUTF8 parameter")]
    public async Task Rcpt_Argument_Reply(string command, string expected)
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");

        Assert.Equal(expected, (await harness.Client.CommandAsync(command)).First);
    }

    [Fact]
    public async Task Rcpt_HandlerPositiveReply_RecipientAdded()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");

        Assert.Equal("251 2.1.5 User not local; will forward", (await harness.Client.CommandAsync("RCPT TO:<forwarded@example.net>")).First);
        Assert.Equal(354, (await harness.Client.CommandAsync("DATA")).Code);
    }

    [Fact]
    public async Task SmtpUtf8_Transaction_StoredWithUtf8Protocol()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        Assert.Equal(250, (await harness.Client.CommandAsync("MAIL FROM:<发件人@例子.广告> SMTPUTF8")).Code);
        Assert.Equal(250, (await harness.Client.CommandAsync("RCPT TO:<收件人@example.net> NOTIFY=FAILURE ORCPT=rfc822;x+2By@example.net")).Code);
        await harness.Client.CommandAsync("DATA");
        await harness.Client.SendAsync("Subject: ü\r\n\r\n.\r\n");
        Assert.Equal(250, (await harness.Client.ReadReplyAsync()).Code);

        var message = Assert.Single(harness.Handler.Messages);
        Assert.True(message.Envelope.SmtpUtf8);
        Assert.Equal("发件人@例子.广告", message.Envelope.ReversePath?.Address);
        var recipient = Assert.Single(message.Envelope.Recipients);
        Assert.Equal(DsnNotify.Failure, recipient.Notify);
        Assert.Equal("rfc822;x+y@example.net", recipient.OriginalRecipient);
        Assert.Contains(" with UTF8SMTP\r\n", message.ReceivedHeader, StringComparison.Ordinal);
        Assert.Contains("\tfor <收件人@example.net>;", message.ReceivedHeader, StringComparison.Ordinal);
        Assert.Equal("Subject: ü\r\n\r\n", message.ClientText);
    }

    [Fact]
    public async Task Helo_Transaction_ReceivedSaysSmtp()
    {
        await using var harness = SessionHarness.Start();
        await harness.Client.ReadReplyAsync();
        await harness.Client.CommandAsync("HELO old.example.org");
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.CommandAsync("DATA");
        await harness.Client.SendAsync("x\r\n.\r\n");
        await harness.Client.ReadReplyAsync();

        var received = Assert.Single(harness.Handler.Messages).ReceivedHeader;
        Assert.StartsWith("Received: from old.example.org ([192.0.2.10])\r\n\tby mx.example.net with SMTP\r\n", received, StringComparison.Ordinal);
        Assert.EndsWith("; Thu, 04 Dec 2025 21:15:00 +0000\r\n", received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DsnParameters_Advertised_KeptInEnvelope()
    {
        await using var harness = SessionHarness.Start();
        await harness.Client.ReadReplyAsync();
        Assert.Contains("250-DSN", (await harness.Client.CommandAsync("EHLO client.example.org")).Lines);

        Assert.Equal("250 2.1.0 Ok", (await harness.Client.CommandAsync("MAIL FROM:<a@example.org> RET=HDRS ENVID=abc")).First);
        Assert.Equal("250 2.1.5 Ok", (await harness.Client.CommandAsync("RCPT TO:<b@example.net> NOTIFY=NEVER ORCPT=rfc822;b@example.net")).First);
        await harness.Client.SendAsync("BDAT 3 LAST\r\nx\r\n");
        Assert.Equal(250, (await harness.Client.ReadReplyAsync()).Code);

        var envelope = Assert.Single(harness.Handler.Messages).Envelope;
        Assert.Equal(DsnReturn.Headers, envelope.Return);
        Assert.Equal("abc", envelope.EnvelopeId);
        var recipient = Assert.Single(envelope.Recipients);
        Assert.Equal(DsnNotify.Never, recipient.Notify);
        Assert.Equal("rfc822;b@example.net", recipient.OriginalRecipient);
    }

    [Theory]
    [InlineData("MAIL FROM:<a@example.org> SMTPUTF8")]
    [InlineData("MAIL FROM:<a@example.org> BODY=8BITMIME")]
    [InlineData("MAIL FROM:<a@example.org> SIZE=100")]
    [InlineData("MAIL FROM:<a@example.org> RET=HDRS ENVID=abc")]
    public async Task Helo_MailParameters_Get555(string command)
    {
        await using var harness = SessionHarness.Start();
        await harness.Client.ReadReplyAsync();
        await harness.Client.CommandAsync("HELO old.example.org");

        Assert.Equal("555 5.5.4 MAIL and RCPT parameters require EHLO", (await harness.Client.CommandAsync(command)).First);
        Assert.Equal("250 2.1.0 Ok", (await harness.Client.CommandAsync("MAIL FROM:<a@example.org>")).First);
    }

    [Fact]
    public async Task Helo_RcptParameters_Get555()
    {
        await using var harness = SessionHarness.Start();
        await harness.Client.ReadReplyAsync();
        await harness.Client.CommandAsync("HELO old.example.org");
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");

        var reply = await harness.Client.CommandAsync("RCPT TO:<b@example.net> NOTIFY=NEVER ORCPT=rfc822;b@example.net");

        Assert.Equal("555 5.5.4 MAIL and RCPT parameters require EHLO", reply.First);
    }

    [Fact]
    public async Task Helo_Utf8Sender_Gets553()
    {
        await using var harness = SessionHarness.Start();
        await harness.Client.ReadReplyAsync();
        await harness.Client.CommandAsync("HELO old.example.org");

        var reply = await harness.Client.CommandAsync("MAIL FROM:<发件人@例子.广告>");

        Assert.Equal("553 5.6.7 Non-ASCII address requires the SMTPUTF8 parameter", reply.First);
    }

    [Fact]
    public async Task Helo_Bdat_ChunkSkippedThen503()
    {
        await using var harness = SessionHarness.Start();
        await harness.Client.ReadReplyAsync();
        await harness.Client.CommandAsync("HELO old.example.org");
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");

        await harness.Client.SendAsync("BDAT 5 LAST\r\nQUIT\nNOOP\r\n");

        Assert.Equal("503 5.5.1 BDAT requires EHLO", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.ReadReplyAsync()).First);
        Assert.Empty(harness.Handler.Messages);
    }

    [Fact]
    public async Task Mail_DeclaredSize_Kept()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org> SIZE=3 BODY=7BIT RET=FULL ENVID=abc");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.SendAsync("BDAT 3 LAST\r\nx\r\n");
        await harness.Client.ReadReplyAsync();

        var envelope = Assert.Single(harness.Handler.Messages).Envelope;
        Assert.Equal(3, envelope.DeclaredSize);
        Assert.Equal(SmtpBodyType.SevenBit, envelope.BodyType);
        Assert.Equal(DsnReturn.Full, envelope.Return);
        Assert.Equal("abc", envelope.EnvelopeId);
    }
}
