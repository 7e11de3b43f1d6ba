using System.Text;
using Tern.Smtp.Server;
using Tern.Smtp.Tests.Infrastructure;

namespace Tern.Smtp.Tests;

/// <summary>
/// The core mail transaction cases. Each runs twice: over plaintext and over STARTTLS, because the
/// TLS stream changes how the input arrives.
/// </summary>
public abstract class TransactionTests
{
    private protected abstract bool UseTls { get; }

    [Fact]
    public async Task Data_SimpleMessage_StoredAfterReceivedHeader()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync(UseTls);

        Assert.Equal("250 2.1.0 Ok", (await harness.Client.CommandAsync("MAIL FROM:<alice@example.org>")).First);
        Assert.Equal("250 2.1.5 Ok", (await harness.Client.CommandAsync("RCPT TO:<bob@example.net>")).First);
        Assert.Equal(354, (await harness.Client.CommandAsync("DATA")).Code);
        await harness.Client.SendAsync("Subject: hello\r\n\r\nbody\r\n.\r\n");
        var reply = await harness.Client.ReadReplyAsync();

        var message = Assert.Single(harness.Handler.Messages);
        Assert.Equal("250 2.0.0 Ok: queued as " + message.Id, reply.First);
        Assert.Equal("Subject: hello\r\n\r\nbody\r\n", message.ClientText);
        Assert.StartsWith("Received: from client.example.org ([192.0.2.10])\r\n", message.Text, StringComparison.Ordinal);
        Assert.Equal("alice@example.org", message.Envelope.ReversePath?.Address);
        Assert.Equal("bob@example.net", Assert.Single(message.Envelope.Recipients).Mailbox.Address);
        Assert.Equal(UseTls, message.OverTls);
    }

    [Fact]
    public async Task Data_DotStuffedLines_StoredUnstuffed()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync(UseTls);
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.CommandAsync("DATA");

        await harness.Client.SendAsync("Subject: d\r\n\r\n..\r\n...x\r\n.\r\n");

        Assert.StartsWith("250 2.0.0 Ok: queued as ", (await harness.Client.ReadReplyAsync()).First, StringComparison.Ordinal);
        Assert.Equal("Subject: d\r\n\r\n.\r\n..x\r\n", Assert.Single(harness.Handler.Messages).ClientText);
    }

    [Theory]
    [InlineData("hi\n.\r\nMAIL FROM:<b@example.net>\r\nRCPT TO:<c@example.net>\r\nDATA\r\nsmuggled\r\n.\r\n")]
    [InlineData("hi\r\n.\nMAIL FROM:<b@example.net>\r\nRCPT TO:<c@example.net>\r\nDATA\r\nsmuggled\r\n.\r\n")]
    public async Task Data_BareLineFeedSmuggling_NoMessageAnd550(string data)
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync(UseTls);
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.CommandAsync("DATA");

        await harness.Client.SendAsync(data);
        var reply = await harness.Client.ReadReplyAsync();

        Assert.StartsWith("550 5.5.2 ", reply.First, StringComparison.Ordinal);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.CommandAsync("NOOP")).First);
        Assert.Empty(harness.Handler.Messages);
        Assert.Equal(1, harness.Handler.DiscardedCount);
    }

    [Fact]
    public async Task Pipelining_OneWrite_RepliesInOrder()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync(UseTls);

        await harness.Client.SendAsync(
            "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<unknown@example.net>\r\nRCPT TO:<c@example.net>\r\nDATA\r\n");
        Assert.Equal("250 2.1.0 Ok", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("250 2.1.5 Ok", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("550 5.1.1 Mailbox unknown", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("250 2.1.5 Ok", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal(354, (await harness.Client.ReadReplyAsync()).Code);
        await harness.Client.SendAsync("Subject: p\r\n\r\nx\r\n.\r\nQUIT\r\n");

        Assert.Equal(250, (await harness.Client.ReadReplyAsync()).Code);
        Assert.Equal("221 2.0.0 Bye", (await harness.Client.ReadReplyAsync()).First);
        var message = Assert.Single(harness.Handler.Messages);
        Assert.Equal(["b@example.net", "c@example.net"], message.Envelope.Recipients.Select(r => r.Mailbox.Address));
        Assert.True(await harness.Client.ReadEndOfStreamAsync());
    }

    [Fact]
    public async Task Bdat_ChunksThenLast_StoredByteForByte()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync(UseTls);
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org> BODY=8BITMIME");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");

        // No unstuffing: a line with a leading dot and a lone dot line are content.
        var first = "Subject: b\r\n\r\n.\r\n..x";
        var second = "\r\nend\r\n";
        await harness.Client.SendAsync($"BDAT {first.Length}\r\n{first}BDAT {second.Length} LAST\r\n{second}");

        Assert.Equal($"250 2.0.0 {first.Length} octets received", (await harness.Client.ReadReplyAsync()).First);
        Assert.StartsWith("250 2.0.0 Ok: queued as ", (await harness.Client.ReadReplyAsync()).First, StringComparison.Ordinal);
        var message = Assert.Single(harness.Handler.Messages);
        Assert.Equal(first + second, message.ClientText);
        Assert.Equal(SmtpBodyType.EightBitMime, message.Envelope.BodyType);
    }

    [Fact]
    public async Task Rset_AfterRecipients_StartsOver()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync(UseTls);
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");

        Assert.Equal("250 2.0.0 Ok", (await harness.Client.CommandAsync("RSET")).First);
        Assert.StartsWith("503 5.5.1 ", (await harness.Client.CommandAsync("RCPT TO:<b@example.net>")).First, StringComparison.Ordinal);
        Assert.Equal(250, (await harness.Client.CommandAsync("MAIL FROM:<>")).Code);
        Assert.Equal(250, (await harness.Client.CommandAsync("RCPT TO:<c@example.net>")).Code);
        await harness.Client.CommandAsync("DATA");
        await harness.Client.SendAsync("x\r\n.\r\n");
        Assert.Equal(250, (await harness.Client.ReadReplyAsync()).Code);

        var message = Assert.Single(harness.Handler.Messages);
        Assert.Null(message.Envelope.ReversePath);
        Assert.Equal("c@example.net", Assert.Single(message.Envelope.Recipients).Mailbox.Address);
    }

    [Fact]
    public async Task Session_TwoMessages_BothStored()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync(UseTls);

        for (var i = 0; i < 2; i++)
        {
            await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
            await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
            await harness.Client.CommandAsync("DATA");
            await harness.Client.SendAsync($"Subject: {i}\r\n\r\n.\r\n");
            Assert.Equal(250, (await harness.Client.ReadReplyAsync()).Code);
        }

        Assert.Equal(["Subject: 0\r\n\r\n", "Subject: 1\r\n\r\n"], harness.Handler.Messages.Select(m => m.ClientText));
    }

    [Fact]
    public async Task Rcpt_RelayAndUnknown_HandlerRepliesPassedOn()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync(UseTls);
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");

        Assert.Equal("550 5.7.1 Relay access denied", (await harness.Client.CommandAsync("RCPT TO:<x@elsewhere.example>")).First);
        Assert.Equal("550 5.1.1 Mailbox unknown", (await harness.Client.CommandAsync("RCPT TO:<unknown@example.net>")).First);
        Assert.Equal("554 5.5.1 No valid recipients", (await harness.Client.CommandAsync("DATA")).First);
    }

    [Fact]
    public async Task Rcpt_OverLimit_Gets452()
    {
        await using var harness = SessionHarness.Start(maxRecipients: 2);
        await harness.GreetAsync(UseTls);
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");

        Assert.Equal(250, (await harness.Client.CommandAsync("RCPT TO:<b1@example.net>")).Code);
        Assert.Equal(250, (await harness.Client.CommandAsync("RCPT TO:<b2@example.net>")).Code);
        Assert.Equal("452 4.5.3 Too many recipients", (await harness.Client.CommandAsync("RCPT TO:<b3@example.net>")).First);
    }

    [Fact]
    public async Task Commit_HandlerThrows_Gets451AndSessionContinues()
    {
        var handler = new MemoryMessageHandler { FailCommit = true };
        await using var harness = SessionHarness.Start(handler: handler);
        await harness.GreetAsync(UseTls);
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.CommandAsync("DATA");

        await harness.Client.SendAsync("x\r\n.\r\n");

        Assert.StartsWith("451 4.3.0 ", (await harness.Client.ReadReplyAsync()).First, StringComparison.Ordinal);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.CommandAsync("NOOP")).First);
        Assert.Empty(handler.Messages);
    }

    [Fact]
    public async Task Data_OverSizeLimit_ReadToEndThen552()
    {
        await using var harness = SessionHarness.Start(maxMessageSize: 100);
        await harness.GreetAsync(UseTls);
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.CommandAsync("DATA");

        var line = new string('x', 60) + "\r\n";
        await harness.Client.SendAsync(line + line + line + ".\r\nNOOP\r\n");

        Assert.Equal("552 5.3.4 Message too big", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.ReadReplyAsync()).First);
        Assert.Empty(harness.Handler.Messages);
    }
}

/// <summary>The transaction cases over plaintext.</summary>
public sealed class PlaintextTransactionTests : TransactionTests
{
    private protected override bool UseTls => false;
}

/// <summary>The transaction cases after STARTTLS.</summary>
public sealed class StartTlsTransactionTests : TransactionTests
{
    private protected override bool UseTls => true;
}
