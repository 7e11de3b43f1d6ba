using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Tern.IntegrationTests.Infrastructure;
using static Tern.IntegrationTests.Submission.SubmissionServer;

namespace Tern.IntegrationTests.Submission;

/// <summary>SMTP AUTH against a real <c>tern serve</c> with a user that <c>tern user add</c> created.</summary>
public sealed class SubmissionAuthTests : IAsyncLifetime
{
    private TernServer _server = null!;

    public async Task InitializeAsync() => _server = await StartWithUserAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(SecureSocketOptions.StartTls)]
    [InlineData(SecureSocketOptions.SslOnConnect)]
    public async Task MailKit_Authenticated_DeliveredLocally(SecureSocketOptions security)
    {
        var port = security == SecureSocketOptions.StartTls ? _server.SubmissionPort : _server.ImplicitTlsPort;
        var subject = "submitted with " + security;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice", UserName));
        message.To.Add(new MailboxAddress("Bob", "bob@users.test"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Hello Bob." };

        using var client = await CreateClientAsync(_server);
        await client.ConnectAsync(_server.Address, port, security);
        await client.AuthenticateAsync(UserName, Password);
        var response = await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);

        Assert.StartsWith("2.0.0 Ok: queued as", response, StringComparison.Ordinal);
        var files = await _server.WaitForMaildirAsync("users.test", "bob", 1);
        var stored = await File.ReadAllTextAsync(Assert.Single(files));
        Assert.Contains(subject, stored, StringComparison.Ordinal);
        Assert.Contains(" with ESMTPSA", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, stored, StringComparison.Ordinal);
        Assert.Contains($"authenticated as {UserName} with PLAIN", _server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, _server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailKit_WrongPassword_Rejected()
    {
        using var client = await CreateClientAsync(_server);
        await client.ConnectAsync(_server.Address, _server.SubmissionPort, SecureSocketOptions.StartTls);

        var error = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(UserName, "not the password"));

        Assert.Contains("Authentication credentials invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains($"authentication failed for {UserName}", _server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not the password", _server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlaintextAuth_Gets538AndNothingLogged()
    {
        var plain = Plain(UserName, Password);
        await using var wire = await SmtpWire.ConnectAsync(_server.Address, _server.SubmissionPort);
        await wire.ReadReplyAsync();
        var ehlo = await wire.CommandAsync("EHLO client.example.org");

        var auth = await wire.CommandAsync("AUTH PLAIN " + plain);
        var mail = await wire.CommandAsync($"MAIL FROM:<{UserName}>");
        await wire.CommandAsync("QUIT");

        Assert.DoesNotContain(ehlo.Lines, line => line.Contains("AUTH", StringComparison.Ordinal));
        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", auth.Text);
        Assert.Equal(530, mail.Code);
        Assert.DoesNotContain(plain, _server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, _server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticated_ForeignSender_Gets553()
    {
        await using var wire = await ConnectWithTlsAsync(_server);
        Assert.Equal(235, (await wire.CommandAsync("AUTH PLAIN " + Plain(UserName, Password))).Code);

        var foreign = await wire.CommandAsync("MAIL FROM:<mallory@example.org>");
        var nullSender = await wire.CommandAsync("MAIL FROM:<>");
        var domainSender = await wire.CommandAsync("MAIL FROM:<anyone@users.test>");

        Assert.Equal($"553 5.7.1 <mallory@example.org>: Sender address rejected: not owned by user {UserName}", foreign.Text);
        Assert.Equal(553, nullSender.Code);
        Assert.Equal(250, domainSender.Code);
    }

    [Fact]
    public async Task Authenticated_RemoteRecipient_Accepted()
    {
        await using var wire = await ConnectWithTlsAsync(_server);

        // RFC 6409 section 4.3: no MAIL on a submission port before the login.
        Assert.Equal("530 5.7.0 Authentication required", (await wire.CommandAsync($"MAIL FROM:<{UserName}>")).Text);

        Assert.Equal(235, (await wire.CommandAsync("AUTH PLAIN " + Plain(UserName, Password))).Code);

        // The helper's RSET ends the transaction: nothing is queued, so no delivery to example.net is tried.
        Assert.Equal(250, await RemoteRecipientCodeAsync(wire));
    }

    [Fact]
    public async Task UserList_ShowsNamesNotHashes()
    {
        var result = await _server.RunCliAsync("user", "list");
        var file = await File.ReadAllTextAsync(Path.Combine(_server.DataDirectory, "data", "users.json"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{UserName} senders: @users.test", result.StandardOutput.Trim());
        Assert.Contains("\"Iterations\": 600000", file, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_server.DataDirectory, "data", "users.json")));
        }
    }

    [Fact]
    public async Task UserAdd_EmptyPasswordOrDuplicate_Rejected()
    {
        var empty = await TernCli.RunAsync(["user", "add", "carol", "--config", _server.ConfigFile], standardInput: "\n");
        var duplicate = await TernCli.RunAsync(["user", "add", UserName, "--config", _server.ConfigFile], standardInput: "other\n");
        var badSender = await TernCli.RunAsync(["user", "add", "dave", "--sender", "not-an-address", "--config", _server.ConfigFile], standardInput: "pw\n");
        var missing = await _server.RunCliAsync("user", "remove", "nobody@localhost");

        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("password is empty", empty.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Equal(2, badSender.ExitCode);
        Assert.Equal(1, missing.ExitCode);
    }

    [Fact]
    public async Task UserRemove_LoginFailsAfterwards()
    {
        var removed = await _server.RunCliAsync("user", "remove", UserName);
        await using var wire = await ConnectWithTlsAsync(_server);

        var auth = await wire.CommandAsync("AUTH PLAIN " + Plain(UserName, Password));

        Assert.Equal(0, removed.ExitCode);
        Assert.Equal(535, auth.Code);
    }

    private static async Task<int> RemoteRecipientCodeAsync(SmtpWire wire)
    {
        Assert.Equal(250, (await wire.CommandAsync($"MAIL FROM:<{UserName}>")).Code);
        var code = (await wire.CommandAsync("RCPT TO:<someone@example.net>")).Code;
        await wire.CommandAsync("RSET");
        return code;
    }
}
