using System.Text;
using Tern.Smtp.Server;
using Tern.Smtp.Tests.Infrastructure;

namespace Tern.Smtp.Tests;

/// <summary>The per-session error count: the delay from SoftErrorLimit on and the 421 at MaxErrors.</summary>
public sealed class ErrorLimitTests
{
    private const string TooManyErrors = "421 4.7.0 mx.example.net Error: too many errors";

    [Fact]
    public async Task UnknownCommands_AtMaxErrors_Get421AndClose()
    {
        // A soft limit above the hard one keeps the fake clock out of this test.
        await using var harness = SessionHarness.Start(softErrorLimit: 100);
        await harness.GreetAsync();

        var pipelined = new StringBuilder();
        for (var i = 0; i < SmtpServerOptions.DefaultMaxErrors; i++)
        {
            pipelined.Append("FOO\r\n");
        }

        await harness.Client.SendAsync(pipelined.Append("NOOP\r\n").ToString());

        for (var i = 0; i < SmtpServerOptions.DefaultMaxErrors; i++)
        {
            Assert.Equal("500 5.5.1 Command unrecognized", (await harness.Client.ReadReplyAsync()).First);
        }

        Assert.Equal(TooManyErrors, (await harness.Client.ReadReplyAsync()).First);
        Assert.True(await harness.Client.ReadEndOfStreamAsync());
        await harness.WaitForEndAsync();
        Assert.Contains(harness.Logger.Entries, entry => entry.EventId == 1013);
    }

    [Fact]
    public async Task RejectedRecipients_AtMaxErrors_Get421()
    {
        await using var harness = SessionHarness.Start(maxErrors: 3);
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");

        Assert.Equal("550 5.1.1 Mailbox unknown", (await harness.Client.CommandAsync("RCPT TO:<unknown@example.net>")).First);
        Assert.Equal("250 2.1.5 Ok", (await harness.Client.CommandAsync("RCPT TO:<b@example.net>")).First);
        Assert.Equal("550 5.1.1 Mailbox unknown", (await harness.Client.CommandAsync("RCPT TO:<unknown@example.net>")).First);
        await harness.Client.SendAsync("RCPT TO:<unknown@example.net>\r\n");

        Assert.Equal("550 5.1.1 Mailbox unknown", (await harness.Client.ReadReplyAsync()).First);
        Assert.Equal(TooManyErrors, (await harness.Client.ReadReplyAsync()).First);
        Assert.True(await harness.Client.ReadEndOfStreamAsync());
    }

    [Fact]
    public async Task TooManyRecipients_NotCountedAsErrors()
    {
        await using var harness = SessionHarness.Start(maxRecipients: 1, maxErrors: 3);
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        Assert.Equal(250, (await harness.Client.CommandAsync("RCPT TO:<b@example.net>")).Code);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("452 4.5.3 Too many recipients", (await harness.Client.CommandAsync($"RCPT TO:<c{i}@example.net>")).First);
        }

        Assert.Equal("250 2.0.0 Ok", (await harness.Client.CommandAsync("NOOP")).First);
    }

    [Fact]
    public async Task AcceptedMessage_ResetsErrorCount()
    {
        await using var harness = SessionHarness.Start(maxErrors: 3);
        await harness.GreetAsync();
        await harness.Client.CommandAsync("FOO");
        await harness.Client.CommandAsync("FOO");
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.CommandAsync("DATA");
        Assert.Equal(250, (await harness.Client.CommandAsync("Subject: x\r\n\r\nbody\r\n.")).Code);

        Assert.Equal(500, (await harness.Client.CommandAsync("FOO")).Code);
        Assert.Equal(500, (await harness.Client.CommandAsync("FOO")).Code);
        Assert.Equal("250 2.0.0 Ok", (await harness.Client.CommandAsync("NOOP")).First);
    }

    [Fact]
    public async Task RepliesFromSoftLimit_WaitErrorDelay()
    {
        await using var harness = SessionHarness.Start(softErrorLimit: 2);
        await harness.GreetAsync();
        Assert.Equal(500, (await harness.Client.CommandAsync("FOO")).Code);

        // The second error reaches the soft limit, so its reply and every later one wait one second.
        var errorReply = harness.Client.CommandAsync("FOO");
        await harness.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        Assert.False(errorReply.IsCompleted);
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(500, (await errorReply).Code);

        var noopReply = harness.Client.CommandAsync("NOOP");
        await harness.Time.WaitForTimerAsync(TimeSpan.FromSeconds(1));
        Assert.False(noopReply.IsCompleted);
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("250 2.0.0 Ok", (await noopReply).First);
    }

    [Fact]
    public async Task RepliesBelowSoftLimit_NotDelayed()
    {
        await using var harness = SessionHarness.Start(softErrorLimit: 2);
        await harness.GreetAsync();

        // The fake clock never moves, so a delayed reply would time out the read.
        Assert.Equal(500, (await harness.Client.CommandAsync("FOO")).Code);
        Assert.Equal(250, (await harness.Client.CommandAsync("NOOP")).Code);
    }

    [Fact]
    public void Options_InvalidErrorLimits_Throw()
    {
        Assert.Throws<ArgumentException>(() => new SmtpServerSession(new SmtpServerOptions { HostName = "mx.example.net", MaxErrors = 0 }, new MemoryMessageHandler()));
        Assert.Throws<ArgumentException>(() => new SmtpServerSession(new SmtpServerOptions { HostName = "mx.example.net", SoftErrorLimit = 0 }, new MemoryMessageHandler()));
        Assert.Throws<ArgumentException>(() => new SmtpServerSession(new SmtpServerOptions { HostName = "mx.example.net", ErrorDelay = TimeSpan.FromSeconds(-1) }, new MemoryMessageHandler()));
    }
}
