using Tern.Smtp.Server;
using Tern.Smtp.Tests.Infrastructure;

namespace Tern.Smtp.Tests;

/// <summary>Replies to single commands, their sequence rules and the command line limits.</summary>
public sealed class CommandTests
{
    [Fact]
    public async Task Greeting_StartsWithHostName()
    {
        await using var harness = SessionHarness.Start();

        var greeting = await harness.Client.ReadReplyAsync();

        Assert.Equal("220 mx.example.net ESMTP ready", greeting.First);
    }

    [Fact]
    public async Task Ehlo_BeforeTls_ListsExtensions()
    {
        await using var harness = SessionHarness.Start();
        await harness.Client.ReadReplyAsync();

        var reply = await harness.Client.CommandAsync("EHLO client.example.org");

        Assert.Equal(
            [
                "250-mx.example.net",
                "250-PIPELINING",
                "250-SIZE 10240000",
                "250-8BITMIME",
                "250-DSN",
                "250-ENHANCEDSTATUSCODES",
                "250-SMTPUTF8",
                "250-CHUNKING",
                "250 STARTTLS",
            ],
            reply.Lines);
        Assert.Equal("client.example.org", harness.Context.HeloName);
        Assert.True(harness.Context.IsExtendedHello);
    }

    [Fact]
    public async Task Ehlo_WithoutCertificate_NoStartTls()
    {
        await using var harness = SessionHarness.Start(withCertificate: false);
        await harness.Client.ReadReplyAsync();

        var reply = await harness.Client.CommandAsync("EHLO client.example.org");

        Assert.Equal("250 CHUNKING", reply.Lines[^1]);
        Assert.DoesNotContain(reply.Lines, line => line.Contains("STARTTLS", StringComparison.Ordinal));
        Assert.StartsWith("502 5.5.1 ", (await harness.Client.CommandAsync("STARTTLS")).First, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EHLO [192.0.2.1]", 250)]
    [InlineData("EHLO [IPv6:2001:db8::1]", 250)]
    [InlineData("EHLO my_pc.example.org", 250)]
    [InlineData("EHLO", 501)]
    [InlineData("EHLO two words", 501)]
    [InlineData("EHLO bad(name)", 501)]
    [InlineData("EHLO -leading.example", 501)]
    [InlineData("HELO client.example.org", 250)]
    [InlineData("HELO", 501)]
    public async Task Hello_Argument_ValidatedAsDomainOrLiteral(string command, int expected)
    {
        await using var harness = SessionHarness.Start();
        await harness.Client.ReadReplyAsync();

        var reply = await harness.Client.CommandAsync(command);

        Assert.Equal(expected, reply.Code);
    }

    [Fact]
    public async Task Helo_Reply_HostNameOnly()
    {
        await using var harness = SessionHarness.Start();
        await harness.Client.ReadReplyAsync();

        var reply = await harness.Client.CommandAsync("HELO client.example.org");

        Assert.Equal(["250 mx.example.net"], reply.Lines);
        Assert.False(harness.Context.IsExtendedHello);
    }

    [Theory]
    [InlineData("FOO")]
    [InlineData("MAILX FROM:<a@example.org>")]
    [InlineData("TURN")]
    public async Task UnknownCommand_Gets500(string command)
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        Assert.Equal("500 5.5.1 Command unrecognized", (await harness.Client.CommandAsync(command)).First);
    }

    [Fact]
    public async Task Expn_Recognized_Gets502()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        Assert.StartsWith("502 5.5.1 ", (await harness.Client.CommandAsync("EXPN staff")).First, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mail from:<a@example.org>", 250)]
    [InlineData("Mail From:<a@example.org>", 250)]
    [InlineData("noop", 250)]
    public async Task Verbs_AnyCase_Accepted(string command, int expected)
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        Assert.Equal(expected, (await harness.Client.CommandAsync(command)).Code);
    }

    [Fact]
    public async Task Mail_BeforeEhlo_Gets503()
    {
        await using var harness = SessionHarness.Start();
        await harness.Client.ReadReplyAsync();

        Assert.Equal("503 5.5.1 Send EHLO or HELO first", (await harness.Client.CommandAsync("MAIL FROM:<a@example.org>")).First);
    }

    [Theory]
    [InlineData("RCPT TO:<b@example.net>")]
    [InlineData("DATA")]
    public async Task TransactionCommand_WithoutMail_Gets503(string command)
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        Assert.StartsWith("503 5.5.1 ", (await harness.Client.CommandAsync(command)).First, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mail_Twice_Gets503()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");

        Assert.StartsWith("503 5.5.1 ", (await harness.Client.CommandAsync("MAIL FROM:<a@example.org>")).First, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_NoAcceptedRecipient_Gets554()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");

        Assert.Equal("554 5.5.1 No valid recipients", (await harness.Client.CommandAsync("DATA")).First);
    }

    [Fact]
    public async Task Ehlo_DuringTransaction_ResetsIt()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");

        await harness.Client.CommandAsync("EHLO again.example.org");

        Assert.StartsWith("503 5.5.1 ", (await harness.Client.CommandAsync("DATA")).First, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("VRFY postmaster", "252 2.5.0 ")]
    [InlineData("VRFY", "501 5.5.4 ")]
    [InlineData("HELP", "214-2.0.0 ")]
    [InlineData("NOOP anything", "250 2.0.0 ")]
    [InlineData("RSET now", "501 5.5.4 ")]
    [InlineData("DATA now", "501 5.5.4 ")]
    [InlineData("QUIT now", "501 5.5.4 ")]
    public async Task SimpleCommand_Reply(string command, string expectedStart)
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        Assert.StartsWith(expectedStart, (await harness.Client.CommandAsync(command)).First, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quit_Replies221AndCloses()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        Assert.Equal("221 2.0.0 Bye", (await harness.Client.CommandAsync("QUIT")).First);
        Assert.True(await harness.Client.ReadEndOfStreamAsync());
        await harness.WaitForEndAsync();
    }

    [Fact]
    public async Task Ehlo_TwentyThousandOctets_Gets500ThenNoop250()
    {
        await using var harness = SessionHarness.Start();
        await harness.Client.ReadReplyAsync();

        var reply = await harness.Client.CommandAsync("EHLO " + new string('a', 20_000));

        Assert.Equal("500 5.5.2 Line too long", reply.First);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.CommandAsync("NOOP")).First);
    }

    [Theory]
    [InlineData(510, 250)]
    [InlineData(511, 500)]
    public async Task CommandLine_At512Octets_Boundary(int length, int expected)
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        // "NOOP " and padding make a line of the given length, plus CRLF.
        var reply = await harness.Client.CommandAsync("NOOP " + new string('x', length - 5));

        Assert.Equal(expected, reply.Code);
    }

    [Theory]
    [InlineData(1048, "250 2.1.5 Ok")]
    [InlineData(1049, "500 5.5.2 Line too long")]
    public async Task RcptLine_DsnLimit_Boundary(int length, string expected)
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org> RET=HDRS ENVID=" + new string('e', 100));

        // RFC 3461 lets ORCPT values make RCPT lines longer than 512 octets; CRLF makes up the length.
        var prefix = "RCPT TO:<b@example.net> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;";
        var reply = await harness.Client.CommandAsync(prefix + new string('o', length - 2 - prefix.Length));

        Assert.Equal(expected, reply.First);
    }

    [Fact]
    public async Task BdatLine_Over512Octets_ChunkSkippedThen500()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        await harness.Client.SendAsync("BDAT 5 LAST" + new string(' ', 510) + "x\r\nQUIT\nNOOP\r\n");

        Assert.Equal("500 5.5.2 Line too long", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.ReadReplyAsync()).First);
    }

    [Theory]
    [InlineData("NOOP\nNOOP\r\n")]
    [InlineData("NOOP\rNOOP\r\n")]
    [InlineData("MAIL FROM:<a@example.org>\nRCPT TO:<b@example.net>\r\n")]
    public async Task CommandLine_BareLineEnding_OneReply500(string line)
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        await harness.Client.SendAsync(line + "NOOP\r\n");

        Assert.StartsWith("500 5.5.2 ", (await harness.Client.ReadReplyAsync()).First, StringComparison.Ordinal);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.ReadReplyAsync()).First);
        Assert.StartsWith("503 5.5.1 ", (await harness.Client.CommandAsync("RCPT TO:<b@example.net>")).First, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandLine_InvalidUtf8_Gets500()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        await harness.Client.SendAsync([.. "VRFY "u8, 0xC3, 0x28, .. "\r\n"u8]);

        Assert.StartsWith("500 5.5.2 ", (await harness.Client.ReadReplyAsync()).First, StringComparison.Ordinal);
        Assert.Equal(250, (await harness.Client.CommandAsync("NOOP")).Code);
    }

    [Fact]
    public async Task Bdat_WithoutMail_Gets503AndChunkNotExecuted()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        await harness.Client.SendAsync("BDAT 5\r\nhello");

        Assert.Equal("503 5.5.1 Send MAIL first", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.CommandAsync("NOOP")).First);
    }

    [Fact]
    public async Task Bdat_ChunkLooksLikeCommands_ReadAsContent()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        // The chunk contains a complete command, which must be skipped, not run.
        var chunk = "QUIT\r\n";
        await harness.Client.SendAsync($"BDAT {chunk.Length}\r\n{chunk}NOOP\r\n");

        Assert.StartsWith("503 5.5.1 ", (await harness.Client.ReadReplyAsync()).First, StringComparison.Ordinal);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.ReadReplyAsync()).First);
    }

    [Fact]
    public async Task Bdat_NoAcceptedRecipient_Gets554()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");

        await harness.Client.SendAsync("BDAT 3 LAST\r\nabc");

        Assert.Equal("554 5.5.1 No valid recipients", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal(250, (await harness.Client.CommandAsync("NOOP")).Code);
    }

    [Fact]
    public async Task Data_AfterBdat_Gets503()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.SendAsync("BDAT 3\r\nabc");
        Assert.Equal(250, (await harness.Client.ReadReplyAsync()).Code);

        Assert.Equal("503 5.5.1 DATA cannot follow BDAT in one transaction", (await harness.Client.CommandAsync("DATA")).First);

        await harness.Client.SendAsync("BDAT 2 LAST\r\n\r\n");
        Assert.Equal(250, (await harness.Client.ReadReplyAsync()).Code);
        Assert.Equal("abc\r\n", Assert.Single(harness.Handler.Messages).ClientText);
    }

    [Fact]
    public async Task Bdat_BadEndMarker_TransactionFails()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");

        await harness.Client.SendAsync("BDAT 4 FIRST\r\nNOOP");

        Assert.StartsWith("501 5.5.4 ", (await harness.Client.ReadReplyAsync()).First, StringComparison.Ordinal);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.CommandAsync("NOOP")).First);
        Assert.StartsWith("503 5.5.1 ", (await harness.Client.CommandAsync("RCPT TO:<b@example.net>")).First, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BDAT 5 LASTX")]
    [InlineData("BDAT 5 LAST LAST")]
    [InlineData("BDAT 5  LAST")]
    public async Task Bdat_ReadableSizeBadRest_ChunkSkippedThen501(string command)
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");

        // RFC 3030 section 2: the five octets follow the command whatever the reply, so none is a command.
        await harness.Client.SendAsync(command + "\r\nQUIT\nNOOP\r\n");

        Assert.Equal("501 5.5.4 Syntax: BDAT size [LAST]", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("503 5.5.1 Send MAIL first", (await harness.Client.CommandAsync("RCPT TO:<b@example.net>")).First);
        Assert.Empty(harness.Handler.Messages);
    }

    [Fact]
    public async Task Bdat_InvalidUtf8AfterSize_ChunkSkippedThen500()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        await harness.Client.SendAsync([.. "BDAT 5 "u8, 0xC3, 0x28, .. "\r\nQUIT\nNOOP\r\n"u8]);

        Assert.Equal("500 5.5.2 Command line is not valid UTF-8", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.ReadReplyAsync()).First);
    }

    [Fact]
    public async Task Bdat_InvalidUtf8Size_Gets421AndCloses()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        await harness.Client.SendAsync([.. "BDAT 5"u8, 0xC3, 0x28, .. " LAST\r\nhello"u8]);

        Assert.StartsWith("421 4.5.2 mx.example.net ", (await harness.Client.ReadReplyAsync()).First, StringComparison.Ordinal);
        Assert.True(await harness.Client.ReadEndOfStreamAsync());
    }

    [Theory]
    [InlineData("BDAT")]
    [InlineData("BDAT x")]
    [InlineData("BDAT abc LAST")]
    [InlineData("BDAT -1")]
    [InlineData("BDAT 1234567890123456789")]
    public async Task Bdat_UnreadableSize_Gets421AndCloses(string command)
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        Assert.StartsWith("421 4.5.2 mx.example.net ", (await harness.Client.CommandAsync(command)).First, StringComparison.Ordinal);
        Assert.True(await harness.Client.ReadEndOfStreamAsync());
    }

    [Fact]
    public async Task Bdat_OverSizeLimit_Gets552AndTransactionEnds()
    {
        await using var harness = SessionHarness.Start(maxMessageSize: 10);
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");

        await harness.Client.SendAsync("BDAT 8\r\n12345678BDAT 8 LAST\r\n12345678");

        Assert.Equal("250 2.0.0 8 octets received", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("552 5.3.4 Message too big", (await harness.Client.ReadReplyAsync()).First);
        Assert.StartsWith("503 5.5.1 ", (await harness.Client.CommandAsync("RCPT TO:<b@example.net>")).First, StringComparison.Ordinal);
        Assert.Empty(harness.Handler.Messages);
        Assert.Equal(1, harness.Handler.DiscardedCount);
    }

    [Fact]
    public async Task Bdat_BareLineFeed_Gets550()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");

        await harness.Client.SendAsync("BDAT 5 LAST\r\na\nb\r\n");

        Assert.StartsWith("550 5.5.2 ", (await harness.Client.ReadReplyAsync()).First, StringComparison.Ordinal);
        Assert.Empty(harness.Handler.Messages);
    }

    [Fact]
    public async Task Bdat_CrlfAcrossChunks_Accepted()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");

        await harness.Client.SendAsync("BDAT 2\r\na\rBDAT 1 LAST\r\n\n");

        Assert.Equal(250, (await harness.Client.ReadReplyAsync()).Code);
        Assert.StartsWith("250 2.0.0 Ok: queued as ", (await harness.Client.ReadReplyAsync()).First, StringComparison.Ordinal);
        Assert.Equal("a\r\n", Assert.Single(harness.Handler.Messages).ClientText);
    }

    [Fact]
    public async Task Data_LineOver1000Octets_ReadToEndThen554()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.CommandAsync("DATA");

        await harness.Client.SendAsync(new string('x', 999) + "\r\nnext\r\n.\r\nNOOP\r\n");

        Assert.Equal("554 5.6.0 Message contains a line longer than 1000 octets", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.ReadReplyAsync()).First);
        Assert.Empty(harness.Handler.Messages);
    }

    [Fact]
    public async Task Data_LineOf1000OctetsWithCrlf_Accepted()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.CommandAsync("DATA");

        // The stuffed dot does not count: RFC 5321 section 4.5.3.1.6.
        await harness.Client.SendAsync(".." + new string('x', 997) + "\r\n.\r\n");

        Assert.Equal(250, (await harness.Client.ReadReplyAsync()).Code);
        Assert.Equal("." + new string('x', 997) + "\r\n", Assert.Single(harness.Handler.Messages).ClientText);
    }

    [Fact]
    public async Task Data_EmptyMessage_Gets554()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.CommandAsync("DATA");

        await harness.Client.SendAsync(".\r\n");

        Assert.Equal("554 5.6.0 Message is empty", (await harness.Client.ReadReplyAsync()).First);
        Assert.Empty(harness.Handler.Messages);
        Assert.Equal(1, harness.Handler.DiscardedCount);
    }

    [Fact]
    public async Task Bdat_ZeroLastAlone_Gets554()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");

        await harness.Client.SendAsync("BDAT 0 LAST\r\nNOOP\r\n");

        Assert.Equal("554 5.6.0 Message is empty", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.ReadReplyAsync()).First);
        Assert.Empty(harness.Handler.Messages);
    }

    [Fact]
    public async Task Bdat_TwoEmptyChunks_Gets554()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");

        await harness.Client.SendAsync("BDAT 0\r\nBDAT 0 LAST\r\nNOOP\r\n");

        Assert.Equal("250 2.0.0 0 octets received", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("554 5.6.0 Message is empty", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.ReadReplyAsync()).First);
        Assert.Empty(harness.Handler.Messages);
    }

    [Fact]
    public async Task Data_NulOctet_ReadToEndThen550()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.CommandAsync("DATA");

        await harness.Client.SendAsync("Subject: x\r\n\r\na\0b\r\n.\r\nNOOP\r\n");

        Assert.Equal("550 5.6.0 Message contains a NUL octet", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.ReadReplyAsync()).First);
        Assert.Empty(harness.Handler.Messages);
    }

    [Fact]
    public async Task Bdat_NulOctet_Gets550()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");

        await harness.Client.SendAsync("BDAT 4\r\na\0\r\nBDAT 3 LAST\r\nb\r\n");

        Assert.Equal("550 5.6.0 Message contains a NUL octet", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("503 5.5.1 Send MAIL first", (await harness.Client.ReadReplyAsync()).First);
        Assert.Empty(harness.Handler.Messages);
    }

    [Theory]
    [InlineData("NOOP\0\r\n")]
    [InlineData("NO\0OP\r\n")]
    [InlineData("MAIL FROM:<a@example.org>\0\r\n")]
    [InlineData("BDAT 5 \0\r\nQUIT\n")]
    public async Task CommandLine_NulOctet_Gets500(string line)
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        await harness.Client.SendAsync(line + "NOOP\r\n");

        Assert.Equal("500 5.5.2 Command line contains a NUL octet", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.ReadReplyAsync()).First);
    }

    [Fact]
    public async Task Data_ClientDisconnects_MessageDiscarded()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.CommandAsync("DATA");

        await harness.Client.SendAsync("Subject: cut\r\n\r\npartial");
        await harness.Client.DisposeAsync();
        await harness.WaitForEndAsync();

        Assert.Empty(harness.Handler.Messages);
        Assert.Equal(1, harness.Handler.DiscardedCount);
    }

    [Fact]
    public async Task Rcpt_HandlerThrows_Gets451()
    {
        var handler = new MemoryMessageHandler { FailRecipientCheck = true };
        await using var harness = SessionHarness.Start(handler: handler);
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");

        Assert.StartsWith("451 4.3.0 ", (await harness.Client.CommandAsync("RCPT TO:<b@example.net>")).First, StringComparison.Ordinal);
        Assert.Equal(250, (await harness.Client.CommandAsync("NOOP")).Code);
    }

    [Fact]
    public async Task Submission_MailBeforeTls_Gets530()
    {
        await using var harness = SessionHarness.Start(SmtpListenerMode.Submission);
        await harness.Client.ReadReplyAsync();
        var ehlo = await harness.Client.CommandAsync("EHLO client.example.org");
        Assert.Equal("250 STARTTLS", ehlo.Lines[^1]);

        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", (await harness.Client.CommandAsync("MAIL FROM:<a@example.org>")).First);
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", (await harness.Client.CommandAsync("RCPT TO:<b@example.net>")).First);
    }

    [Fact]
    public async Task Submission_MailAfterTls_Accepted()
    {
        await using var harness = SessionHarness.Start(SmtpListenerMode.Submission);
        await harness.GreetAsync(tls: true);

        Assert.Equal(250, (await harness.Client.CommandAsync("MAIL FROM:<a@example.org>")).Code);
    }
}
