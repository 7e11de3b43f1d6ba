using Microsoft.Extensions.Logging;
using Tern.Smtp.Tests.Infrastructure;

namespace Tern.Smtp.Tests;

/// <summary>Timeouts, shutdown and the session's log lines.</summary>
public sealed class LifetimeTests
{
    [Fact]
    public async Task IdleClient_CommandTimeout_Gets421AndCloses()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        // The session arms its timer before it sends a reply, so the clock can move as soon as the reply is read.
        harness.Time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal("421 4.4.2 mx.example.net Error: timeout exceeded", (await harness.Client.ReadReplyAsync()).First);
        Assert.True(await harness.Client.ReadEndOfStreamAsync());
        await harness.WaitForEndAsync();
        Assert.Contains(harness.Logger.Entries, entry => entry.EventId == 1007);
    }

    [Fact]
    public async Task IdleClient_BeforeTimeout_StillServed()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        harness.Time.Advance(TimeSpan.FromMinutes(4));

        Assert.Equal(250, (await harness.Client.CommandAsync("NOOP")).Code);
        harness.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(250, (await harness.Client.CommandAsync("NOOP")).Code);
    }

    [Fact]
    public async Task StalledData_DataTimeout_Gets421AndDiscards()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        Assert.Equal(354, (await harness.Client.CommandAsync("DATA")).Code);

        // The data timeout (3 minutes) applies, not the command timeout (5 minutes).
        harness.Time.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal("421 4.4.2 mx.example.net Error: timeout exceeded", (await harness.Client.ReadReplyAsync()).First);
        await harness.WaitForEndAsync();
        Assert.Empty(harness.Handler.Messages);
        Assert.Equal(1, harness.Handler.DiscardedCount);
    }

    [Fact]
    public async Task Shutdown_WhileIdle_Gets421Immediately()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();

        harness.RequestShutdown();

        Assert.Equal("421 4.3.2 mx.example.net Service shutting down", (await harness.Client.ReadReplyAsync()).First);
        Assert.True(await harness.Client.ReadEndOfStreamAsync());
        await harness.WaitForEndAsync();
    }

    [Fact]
    public async Task Shutdown_DuringData_MessageFinishedThen421()
    {
        var handler = new MemoryMessageHandler();
        await using var harness = SessionHarness.Start(handler: handler);
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.CommandAsync("DATA");
        await harness.Client.SendAsync("Subject: late\r\n\r\n");

        harness.RequestShutdown();
        await harness.Client.SendAsync("body\r\n.\r\n");

        Assert.StartsWith("250 2.0.0 Ok: queued as ", (await harness.Client.ReadReplyAsync()).First, StringComparison.Ordinal);
        Assert.Equal("421 4.3.2 mx.example.net Service shutting down", (await harness.Client.ReadReplyAsync()).First);
        await harness.WaitForEndAsync();
        Assert.Single(handler.Messages);
    }

    [Fact]
    public async Task Session_Logs_EventsWithSessionIdAndClient()
    {
        await using var harness = SessionHarness.Start();
        await harness.GreetAsync();
        await harness.Client.CommandAsync("MAIL FROM:<a@example.org>");
        await harness.Client.CommandAsync("RCPT TO:<unknown@example.net>");
        await harness.Client.CommandAsync("RCPT TO:<b@example.net>");
        await harness.Client.CommandAsync("DATA");
        await harness.Client.SendAsync("secret body text\r\n.\r\n");
        await harness.Client.ReadReplyAsync();
        await harness.Client.CommandAsync("QUIT");
        await harness.WaitForEndAsync();

        var entries = harness.Logger.Entries;
        Assert.Equal([1000, 1004, 1005, 1006], entries.Select(entry => entry.EventId));
        Assert.All(entries, entry => Assert.Contains(harness.Context.SessionId, entry.Message, StringComparison.Ordinal));
        Assert.All(entries, entry => Assert.Contains("192.0.2.10:40000", entry.Message, StringComparison.Ordinal));
        Assert.All(entries, entry => Assert.InRange(entry.EventId, 1000, 1999));
        Assert.DoesNotContain(entries, entry => entry.Message.Contains("secret", StringComparison.Ordinal));
        Assert.Contains("RCPT rejected: 550 5.1.1 Mailbox unknown", entries[1].Message, StringComparison.Ordinal);
        Assert.Contains("accepted from <a@example.org> for 1 recipients, 18 octets", entries[2].Message, StringComparison.Ordinal);
        Assert.Contains("after 6 commands, 1 messages accepted, 1 replies with errors", entries[3].Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, entries[3].Level);
    }
}
