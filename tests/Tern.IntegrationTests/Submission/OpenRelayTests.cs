using Tern.IntegrationTests.Infrastructure;
using static Tern.IntegrationTests.Submission.SubmissionServer;

namespace Tern.IntegrationTests.Submission;

/// <summary>Open-relay probes from an unauthenticated client: none may get mail routed to a remote domain.</summary>
public sealed class OpenRelayTests : IAsyncLifetime
{
    private TernServer _server = null!;

    public async Task InitializeAsync() => _server = await TernServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("<user@example.net>", "550 5.7.1")]
    [InlineData("<@localhost:user@example.net>", "550 5.7.1")]
    [InlineData("<user@example.net@>", "501 5.1.3")]
    public async Task MxProbe_Rejected(string path, string expected)
    {
        await using var wire = await GreetMxAsync();

        var reply = await wire.CommandAsync("RCPT TO:" + path);

        Assert.StartsWith(expected + " ", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MxProbe_QuotedPercentHack_NotAccepted()
    {
        await using var wire = await GreetMxAsync();

        var reply = await wire.CommandAsync("RCPT TO:<\"user%example.net\">");

        Assert.True(reply.Code is 501 or 550, reply.Text);
    }

    [Fact]
    public async Task MxProbe_PercentHackAtLocal_StaysLocal()
    {
        await using var wire = await GreetMxAsync();

        var reply = await wire.CommandAsync("RCPT TO:<user%example.net@localhost>");
        if (reply.Code == 550)
        {
            Assert.StartsWith("550 5.1.3 ", reply.Text, StringComparison.Ordinal);
            return;
        }

        // Accepted: it must land in the local mailbox of that name and never go towards example.net.
        Assert.Equal(250, reply.Code);
        Assert.Equal(354, (await wire.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await wire.CommandAsync("Subject: percent\r\n\r\nbody\r\n.")).Code);
        var files = await _server.WaitForMaildirAsync("localhost", "user%example.net", 1);
        Assert.Single(files);
        Assert.DoesNotContain("to=<user@example.net>", _server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("relay=example.net", _server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmissionProbe_WithoutAuth_Rejected()
    {
        await using var wire = await ConnectWithTlsAsync(_server);

        // Without a login a submission port takes no MAIL at all (RFC 6409 section 4.3), so a relay
        // attempt never reaches RCPT.
        var mail = await wire.CommandAsync("MAIL FROM:<someone@example.org>");
        var rcpt = await wire.CommandAsync("RCPT TO:<user@example.net>");

        Assert.Equal("530 5.7.0 Authentication required", mail.Text);
        Assert.StartsWith("503 5.5.1", rcpt.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MxListener_DoesNotOfferAuth()
    {
        await using var wire = await SmtpWire.ConnectAsync(_server.Address, _server.MxPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO client.example.org");
        Assert.Equal(220, (await wire.CommandAsync("STARTTLS")).Code);
        await wire.HandshakeAsync();
        var ehlo = await wire.CommandAsync("EHLO client.example.org");

        var auth = await wire.CommandAsync("AUTH PLAIN " + Plain(UserName, Password));

        Assert.DoesNotContain(ehlo.Lines, line => line.Contains("AUTH", StringComparison.Ordinal));
        Assert.Equal(502, auth.Code);
    }

    private async Task<SmtpWire> GreetMxAsync()
    {
        var wire = await SmtpWire.ConnectAsync(_server.Address, _server.MxPort);
        Assert.Equal(220, (await wire.ReadReplyAsync()).Code);
        Assert.Equal(250, (await wire.CommandAsync("EHLO probe.example.org")).Code);
        Assert.Equal(250, (await wire.CommandAsync("MAIL FROM:<probe@example.org>")).Code);
        return wire;
    }
}
