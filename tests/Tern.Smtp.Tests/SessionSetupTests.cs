using System.Net;
using Tern.Smtp.Server;
using Tern.Smtp.Tests.Infrastructure;

namespace Tern.Smtp.Tests;

/// <summary>Option validation and the arguments of RunAsync.</summary>
public sealed class SessionSetupTests
{
    private static readonly IPEndPoint EndPoint = new(IPAddress.Loopback, 25);

    [Theory]
    [InlineData("")]
    [InlineData("not a host")]
    [InlineData("ünicode.example")]
    public void Options_BadHostName_Throws(string hostName)
    {
        var options = new SmtpServerOptions { HostName = hostName };

        var exception = Assert.Throws<ArgumentException>(() => new SmtpServerSession(options, new MemoryMessageHandler()));
        Assert.Equal("HostName", exception.ParamName);
    }

    [Theory]
    [InlineData(SmtpListenerMode.Submission)]
    [InlineData(SmtpListenerMode.ImplicitTls)]
    public void Options_TlsModeWithoutCertificate_Throws(SmtpListenerMode mode)
    {
        var options = new SmtpServerOptions { HostName = "mx.example.net", Mode = mode };

        var exception = Assert.Throws<ArgumentException>(() => new SmtpServerSession(options, new MemoryMessageHandler()));
        Assert.Equal("Certificate", exception.ParamName);
    }

    [Fact]
    public void Options_ZeroLimits_Throw()
    {
        Assert.Throws<ArgumentException>(() => new SmtpServerSession(new SmtpServerOptions { HostName = "mx.example.net", MaxMessageSize = 0 }, new MemoryMessageHandler()));
        Assert.Throws<ArgumentException>(() => new SmtpServerSession(new SmtpServerOptions { HostName = "mx.example.net", MaxRecipients = 0 }, new MemoryMessageHandler()));
        Assert.Throws<ArgumentException>(() => new SmtpServerSession(new SmtpServerOptions { HostName = "mx.example.net", CommandTimeout = TimeSpan.Zero }, new MemoryMessageHandler()));
    }

    [Fact]
    public void Options_Defaults_MatchRfcMinimums()
    {
        var options = new SmtpServerOptions { HostName = "mx.example.net" };

        Assert.Equal(10_240_000, options.MaxMessageSize);
        Assert.Equal(100, options.MaxRecipients);
        Assert.Equal(TimeSpan.FromMinutes(5), options.CommandTimeout);
        Assert.Equal(TimeSpan.FromMinutes(3), options.DataTimeout);
        Assert.Equal(SmtpListenerMode.Mx, options.Mode);
    }

    [Fact]
    public async Task RunAsync_ContextForOtherMode_Throws()
    {
        var session = new SmtpServerSession(new SmtpServerOptions { HostName = "mx.example.net" }, new MemoryMessageHandler());
        var context = new SmtpSessionContext("s1", EndPoint, EndPoint, SmtpListenerMode.Submission);

        await Assert.ThrowsAsync<ArgumentException>(() => session.RunAsync(new MemoryStream(), context, CancellationToken.None));
    }

    [Fact]
    public void CreateSessionId_TwelveHexDigits()
    {
        var id = SmtpServerSession.CreateSessionId();

        Assert.Matches("^[0-9a-f]{12}$", id);
        Assert.NotEqual(id, SmtpServerSession.CreateSessionId());
    }

    [Fact]
    public async Task RunAsync_ShutdownBeforeStart_Greets421()
    {
        var session = new SmtpServerSession(new SmtpServerOptions { HostName = "mx.example.net" }, new MemoryMessageHandler());
        var (client, server) = DuplexPipeStream.CreatePair();
        await using var reader = new SmtpTestClient(client);

        await session.RunAsync(server, new SmtpSessionContext("s1", EndPoint, EndPoint, SmtpListenerMode.Mx), new CancellationToken(canceled: true));

        Assert.Equal("421 4.3.2 mx.example.net Service shutting down", (await reader.ReadReplyAsync()).First);
        Assert.True(await reader.ReadEndOfStreamAsync());
    }
}
