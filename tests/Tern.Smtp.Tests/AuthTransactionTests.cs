using Tern.Smtp.Tests.Infrastructure;
using static Tern.Smtp.Tests.Infrastructure.AuthSessionHarness;

namespace Tern.Smtp.Tests;

/// <summary>What authentication changes in a mail transaction: the sender check, MAIL's AUTH parameter and the Received header.</summary>
public sealed class AuthTransactionTests
{
    [Fact]
    public async Task Authenticated_ForeignSender_Gets553()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();
        await connection.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, Password));

        var foreign = await connection.Client.CommandAsync("MAIL FROM:<mallory@example.org>");
        var nullSender = await connection.Client.CommandAsync("MAIL FROM:<>");
        var own = await connection.Client.CommandAsync($"MAIL FROM:<{UserName}>");

        Assert.Equal("553 5.7.1 Sender address rejected: not owned by user " + UserName, foreign.First);
        Assert.Equal(553, nullSender.Code);
        Assert.Equal("250 2.1.0 Ok", own.First);
    }

    [Fact]
    public async Task Authenticated_Message_ReceivedSaysEsmtpsa()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();
        await connection.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, Password));

        await connection.Client.CommandAsync($"MAIL FROM:<{UserName}>");
        await connection.Client.CommandAsync("RCPT TO:<bob@example.net>");
        await connection.Client.CommandAsync("DATA");
        var reply = await connection.Client.CommandAsync("Subject: t\r\n\r\nbody\r\n.");

        Assert.Equal(250, reply.Code);
        var message = Assert.Single(harness.Handler.Inner.Messages);
        Assert.Contains(" with ESMTPSA", message.ReceivedHeader, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unauthenticated_Message_ReceivedSaysEsmtps()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        await connection.Client.CommandAsync("MAIL FROM:<someone@example.org>");
        await connection.Client.CommandAsync("RCPT TO:<bob@example.net>");
        await connection.Client.CommandAsync("DATA");
        await connection.Client.CommandAsync("Subject: t\r\n\r\nbody\r\n.");

        var message = Assert.Single(harness.Handler.Inner.Messages);
        Assert.Contains(" with ESMTPS\r\n", message.ReceivedHeader, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailAuthParameter_WhereAuthOffered_Accepted()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();
        await connection.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, Password));

        Assert.Equal(250, (await connection.Client.CommandAsync($"MAIL FROM:<{UserName}> AUTH=<>")).Code);
        await connection.Client.CommandAsync("RSET");
        Assert.Equal("501 5.5.4 Invalid AUTH parameter", (await connection.Client.CommandAsync($"MAIL FROM:<{UserName}> AUTH=a AUTH=b")).First);
    }
}
