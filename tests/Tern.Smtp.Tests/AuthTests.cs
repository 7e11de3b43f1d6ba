using Tern.Smtp.Server;
using Tern.Smtp.Tests.Infrastructure;
using static Tern.Smtp.Tests.Infrastructure.AuthSessionHarness;

namespace Tern.Smtp.Tests;

/// <summary>SMTP AUTH (RFC 4954) with PLAIN (RFC 4616) and LOGIN: where it is offered and the reply codes.</summary>
public sealed class AuthTests
{
    private const string Succeeded = "235 2.7.0 Authentication successful";
    private const string Failed = "535 5.7.8 Authentication credentials invalid";

    [Fact]
    public async Task Ehlo_BeforeTls_ListsNoAuth()
    {
        var harness = new AuthSessionHarness();
        await using var connection = harness.Connect();
        await connection.Client.ReadReplyAsync();

        var ehlo = await connection.Client.CommandAsync("EHLO client.example.org");

        Assert.DoesNotContain(ehlo.Lines, line => line.Contains("AUTH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ehlo_AfterTls_ListsPlainAndLogin()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync(tls: false);
        await connection.Client.CommandAsync("STARTTLS");
        await connection.Client.StartTlsAsync();

        var ehlo = await connection.Client.CommandAsync("EHLO client.example.org");

        Assert.Equal("250 AUTH PLAIN LOGIN", ehlo.Lines[^1]);
    }

    [Fact]
    public async Task Auth_BeforeTls_Gets538WithoutCheck()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync(tls: false);
        var plain = Plain(UserName, Password);

        var reply = await connection.Client.CommandAsync("AUTH PLAIN " + plain);

        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", reply.First);
        Assert.Empty(harness.Authenticator.Calls);
        Assert.Null(connection.Context.AuthenticatedUser);
        Assert.DoesNotContain(harness.Logger.Entries, entry => entry.Message.Contains(plain, StringComparison.Ordinal));
        Assert.DoesNotContain(harness.Logger.Entries, entry => entry.Message.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Auth_BeforeTlsWithoutResponse_Gets538()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync(tls: false);

        // No 334 challenge may come: the client would send the credentials in clear.
        Assert.Equal(538, (await connection.Client.CommandAsync("AUTH LOGIN")).Code);
        Assert.Equal("250 2.0.0 Ok", (await connection.Client.CommandAsync("NOOP")).First);
    }

    [Fact]
    public async Task Auth_OnMxAfterTls_NotOffered()
    {
        var harness = new AuthSessionHarness(SmtpListenerMode.Mx);
        await using var connection = await harness.ConnectAndGreetAsync(tls: false);
        await connection.Client.CommandAsync("STARTTLS");
        await connection.Client.StartTlsAsync();
        var ehlo = await connection.Client.CommandAsync("EHLO client.example.org");

        var reply = await connection.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, Password));

        Assert.DoesNotContain(ehlo.Lines, line => line.Contains("AUTH", StringComparison.Ordinal));
        Assert.Equal("502 5.5.1 Command not implemented", reply.First);
        Assert.Empty(harness.Authenticator.Calls);
    }

    [Fact]
    public async Task Plain_InitialResponse_Succeeds()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        var reply = await connection.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, Password));

        Assert.Equal(Succeeded, reply.First);
        Assert.Equal(UserName, connection.Context.AuthenticatedUser);
        Assert.Equal([(UserName, Password)], harness.Authenticator.Calls);
        Assert.Contains(harness.Logger.Entries, entry => entry.EventId == 1020 && entry.Message.Contains(UserName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plain_ImplicitTls_Succeeds()
    {
        var harness = new AuthSessionHarness(SmtpListenerMode.ImplicitTls);
        await using var connection = await harness.ConnectAndGreetAsync();

        Assert.Equal(Succeeded, (await connection.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, Password))).First);
    }

    [Fact]
    public async Task Plain_Challenge_Succeeds()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        var challenge = await connection.Client.CommandAsync("AUTH PLAIN");
        var reply = await connection.Client.CommandAsync(Plain(UserName, Password, authorizationId: UserName));

        Assert.Equal(["334 "], challenge.Lines);
        Assert.Equal(Succeeded, reply.First);
    }

    [Fact]
    public async Task Plain_WrongPassword_Gets535()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        var reply = await connection.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, "wrong"));

        Assert.Equal(Failed, reply.First);
        Assert.Null(connection.Context.AuthenticatedUser);
        var failure = Assert.Single(harness.Logger.Entries, entry => entry.EventId == 1021);
        Assert.Contains(UserName, failure.Message, StringComparison.Ordinal);
        Assert.Contains(SessionHarness.ClientEndPoint.Address.ToString(), failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Logger.Entries, entry => entry.Message.Contains("wrong", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plain_UserNameWithSeparators_LoggedDefused()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        // U+2028 line separator and U+202E right-to-left override could split or disguise a log line.
        await connection.Client.CommandAsync("AUTH PLAIN " + Plain("eve\u2028fake line\u202Eevil", "wrong"));

        var failure = Assert.Single(harness.Logger.Entries, entry => entry.EventId == 1021);
        Assert.Contains("eve?fake line?evil", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u2028', failure.Message);
        Assert.DoesNotContain('\u202E', failure.Message);
    }

    [Fact]
    public async Task Plain_OtherAuthorizationId_Gets535()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        var reply = await connection.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, Password, authorizationId: "bob@example.org"));

        Assert.Equal(Failed, reply.First);
        Assert.Empty(harness.Authenticator.Calls);
    }

    [Theory]
    [InlineData("user-without-separators")]
    [InlineData("\0\0password")]
    [InlineData("\0user\0")]
    [InlineData("\0user\0pass\0extra")]
    public async Task Plain_MalformedMessage_Gets501(string message)
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        var reply = await connection.Client.CommandAsync("AUTH PLAIN " + Base64(message));

        Assert.Equal("501 5.5.2 Invalid SASL response", reply.First);
        Assert.Empty(harness.Authenticator.Calls);
    }

    [Fact]
    public async Task Login_Challenges_Succeeds()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        var userChallenge = await connection.Client.CommandAsync("AUTH LOGIN");
        var passwordChallenge = await connection.Client.CommandAsync(Base64(UserName));
        var reply = await connection.Client.CommandAsync(Base64(Password));

        Assert.Equal(["334 VXNlcm5hbWU6"], userChallenge.Lines);
        Assert.Equal(["334 UGFzc3dvcmQ6"], passwordChallenge.Lines);
        Assert.Equal(Succeeded, reply.First);
        Assert.Equal(UserName, connection.Context.AuthenticatedUser);
    }

    [Fact]
    public async Task Login_InitialResponse_AsksOnlyPassword()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        var passwordChallenge = await connection.Client.CommandAsync("auth login " + Base64(UserName));
        var reply = await connection.Client.CommandAsync(Base64(Password));

        Assert.Equal(["334 UGFzc3dvcmQ6"], passwordChallenge.Lines);
        Assert.Equal(Succeeded, reply.First);
    }

    [Fact]
    public async Task Login_WrongPassword_Gets535()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        await connection.Client.CommandAsync("AUTH LOGIN " + Base64(UserName));
        var reply = await connection.Client.CommandAsync(Base64("wrong"));

        Assert.Equal(Failed, reply.First);
        Assert.Equal([(UserName, "wrong")], harness.Authenticator.Calls);
    }

    [Theory]
    [InlineData("AUTH PLAIN")]
    [InlineData("AUTH LOGIN")]
    public async Task Challenge_Asterisk_Cancels(string command)
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        Assert.Equal(334, (await connection.Client.CommandAsync(command)).Code);
        var reply = await connection.Client.CommandAsync("*");

        Assert.Equal("501 5.7.0 Authentication canceled", reply.First);
        Assert.Empty(harness.Authenticator.Calls);
        Assert.Equal(Succeeded, (await connection.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, Password))).First);
    }

    [Theory]
    [InlineData("AUTH PLAIN not!base64")]
    [InlineData("AUTH PLAIN AGFsaWNl=")]
    [InlineData("AUTH LOGIN YWxp Y2U=")]
    public async Task InitialResponse_BadBase64_Gets501(string command)
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        var reply = await connection.Client.CommandAsync(command);

        Assert.Equal("501 5.5.2 Invalid base64 data", reply.First);
        Assert.Empty(harness.Authenticator.Calls);
    }

    [Fact]
    public async Task ChallengeResponse_BadBase64_Gets501()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        await connection.Client.CommandAsync("AUTH LOGIN");
        var reply = await connection.Client.CommandAsync("%%%");

        Assert.Equal("501 5.5.2 Invalid base64 data", reply.First);
    }

    [Fact]
    public async Task Auth_UnknownMechanism_Gets504()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        Assert.Equal("504 5.5.4 Unrecognized authentication mechanism", (await connection.Client.CommandAsync("AUTH CRAM-MD5")).First);
        Assert.Equal("501 5.5.4 Syntax: AUTH mechanism [initial-response]", (await connection.Client.CommandAsync("AUTH")).First);
    }

    [Fact]
    public async Task Auth_Twice_Gets503()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();
        await connection.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, Password));

        var reply = await connection.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, Password));

        Assert.Equal("503 5.5.1 Already authenticated", reply.First);
        Assert.Single(harness.Authenticator.Calls);
    }

    [Fact]
    public async Task Auth_InTransaction_Gets503()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();
        Assert.Equal(250, (await connection.Client.CommandAsync("MAIL FROM:<someone@example.org>")).Code);

        var reply = await connection.Client.CommandAsync("AUTH PLAIN " + Plain(UserName, Password));

        Assert.Equal("503 5.5.1 AUTH is not allowed during a mail transaction", reply.First);
        Assert.Empty(harness.Authenticator.Calls);
    }

    [Fact]
    public async Task Auth_LongLineWithinLimit_IsRead()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        // RFC 4954 section 4 allows 12288 octets; this line is far over the 512 of other commands.
        var longResponse = Base64(new string('x', 4000));
        var reply = await connection.Client.CommandAsync("AUTH PLAIN " + longResponse);

        Assert.Equal("501 5.5.2 Invalid SASL response", reply.First);
    }

    [Fact]
    public async Task Auth_LineOverLimit_Gets500()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        var commandLine = await connection.Client.CommandAsync("AUTH PLAIN " + new string('A', 12288));
        await connection.Client.CommandAsync("AUTH LOGIN");
        var responseLine = await connection.Client.CommandAsync(new string('A', 12288));

        Assert.Equal("500 5.5.2 Line too long", commandLine.First);
        Assert.Equal("500 5.5.6 Authentication exchange line is too long", responseLine.First);
    }

    [Fact]
    public async Task MailLine_OverParameterLimit_StillRejected()
    {
        var harness = new AuthSessionHarness();
        await using var connection = await harness.ConnectAndGreetAsync();

        // The reader now takes lines up to the AUTH limit, so MAIL must keep its own limit.
        var reply = await connection.Client.CommandAsync("MAIL FROM:<a@example.org> ENVID=" + new string('x', 2000));

        Assert.Equal("500 5.5.2 Line too long", reply.First);
    }
}
