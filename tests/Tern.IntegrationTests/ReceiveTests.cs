using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Tern.IntegrationTests.Infrastructure;

namespace Tern.IntegrationTests;

/// <summary>Real SMTP clients send to a real <c>tern serve</c>; the message must land in the Maildir unchanged.</summary>
public sealed class ReceiveTests : IAsyncLifetime
{
    private const string Body =
        "From: Sender <sender@example.net>\r\n" +
        "To: Alice <alice@localhost>\r\n" +
        "Subject: integration\r\n" +
        "Message-ID: <it-1@example.net>\r\n" +
        "\r\n" +
        "First line.\r\n" +
        ".A line that starts with a dot.\r\n" +
        "..Two dots.\r\n" +
        "Last line.\r\n";

    private TernServer _server = null!;

    public async Task InitializeAsync() => _server = await TernServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Swaks_StartTls_MessageReachesMaildir()
    {
        var file = Path.Combine(_server.DataDirectory, "message.eml");
        // swaks ends the data with its own CRLF before the final dot, so the file has no final line end.
        await File.WriteAllTextAsync(file, Body[..^2]);

        var result = await ExternalTool.RunAsync("swaks",
        [
            "--server", _server.Address, "--port", _server.MxPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tls", "--from", "sender@example.net", "--to", "alice@localhost",
            "--helo", "client.example.net", "--data", "@" + file,
        ]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("250 2.0.0 Ok: queued as", result.StandardOutput, StringComparison.Ordinal);
        await AssertDeliveredUnchangedAsync("alice", Body, expectTls: true);
    }

    [Fact]
    public async Task MailKit_StartTls_MessageReachesMaildir()
    {
        var message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(Body)));
        using var client = new SmtpClient();
        var selfSigned = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(_server.SelfSignedCertificatePath));
        client.ServerCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == selfSigned.GetCertHashString();
        await client.ConnectAsync(_server.Address, _server.MxPort, SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        var response = await client.SendAsync(message, new MailboxAddress(null, "sender@example.net"), [new MailboxAddress(null, "alice@localhost")]);
        await client.DisconnectAsync(quit: true);

        Assert.StartsWith("2.0.0 Ok: queued as", response, StringComparison.Ordinal);

        // MailKit writes the message through its own serializer; compare with what it would send.
        using var expected = new MemoryStream();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(format, expected);
        await AssertDeliveredUnchangedAsync("alice", Encoding.UTF8.GetString(expected.ToArray()), expectTls: true);
    }

    [Fact]
    public async Task OpenSslClient_StartTls_MessageReachesMaildir()
    {
        var script =
            "EHLO client.example.net\n" +
            "MAIL FROM:<sender@example.net>\n" +
            "RCPT TO:<alice@localhost>\n" +
            "DATA\n" +
            Body.Replace(".A line", "..A line", StringComparison.Ordinal).Replace("..Two", "...Two", StringComparison.Ordinal).Replace("\r\n", "\n", StringComparison.Ordinal) +
            ".\n" +
            "QUIT\n";

        var result = await ExternalTool.RunAsync("openssl",
        [
            "s_client", "-starttls", "smtp", "-crlf", "-quiet", "-connect", $"{_server.Address}:{_server.MxPort}",
        ], standardInput: script);

        Assert.Contains("250 2.0.0 Ok: queued as", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("221 2.0.0", result.StandardOutput, StringComparison.Ordinal);
        await AssertDeliveredUnchangedAsync("alice", Body, expectTls: true);
    }

    [Fact]
    public async Task StartTls_InjectedCommand_NeverAnswered()
    {
        await using var wire = await SmtpWire.ConnectAsync(_server.Address, _server.MxPort);
        Assert.Equal(220, (await wire.ReadReplyAsync()).Code);
        Assert.Equal(250, (await wire.CommandAsync("EHLO a")).Code);

        await wire.SendAsync("STARTTLS\r\nMAIL FROM:<x@example.net>\r\n");
        var ready = await wire.ReadReplyAsync();
        Assert.Equal("220 2.0.0 Ready to start TLS", ready.Text);

        await wire.HandshakeAsync();
        var ehlo = await wire.CommandAsync("EHLO a");

        Assert.Equal(250, ehlo.Code);
        Assert.DoesNotContain(ehlo.Lines, line => line.Contains("STARTTLS", StringComparison.Ordinal));
        Assert.True(await wire.NothingArrivesAsync(TimeSpan.FromMilliseconds(300)), "a reply arrived for the injected MAIL");
    }

    [Fact]
    public async Task StartTls_MailWithoutNewEhlo_Gets503()
    {
        await using var wire = await SmtpWire.ConnectAsync(_server.Address, _server.MxPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO a");
        Assert.Equal(220, (await wire.CommandAsync("STARTTLS")).Code);
        await wire.HandshakeAsync();

        var mail = await wire.CommandAsync("MAIL FROM:<a@example.net>");
        Assert.Equal(503, mail.Code);
        Assert.StartsWith("503 5.5.1", mail.Text, StringComparison.Ordinal);

        var ehlo = await wire.CommandAsync("EHLO a");
        Assert.Equal(250, ehlo.Code);
        Assert.DoesNotContain(ehlo.Lines, line => line.Contains("STARTTLS", StringComparison.Ordinal));

        var again = await wire.CommandAsync("STARTTLS");
        Assert.Equal(503, again.Code);
    }

    [Theory]
    [InlineData("hi\n.\r\nMAIL FROM:<b@example.net>\r\nRCPT TO:<alice@localhost>\r\nDATA\r\nsmuggled\r\n.\r\n")]
    [InlineData("hi\r\n.\nMAIL FROM:<b@example.net>\r\nRCPT TO:<alice@localhost>\r\nDATA\r\nsmuggled\r\n.\r\n")]
    public async Task Data_BareLineFeedSmuggling_NeverTwoMessages(string data)
    {
        await using var wire = await SmtpWire.ConnectAsync(_server.Address, _server.MxPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO a");
        Assert.Equal(250, (await wire.CommandAsync("MAIL FROM:<a@example.net>")).Code);
        Assert.Equal(250, (await wire.CommandAsync("RCPT TO:<alice@localhost>")).Code);
        Assert.Equal(354, (await wire.CommandAsync("DATA")).Code);

        await wire.SendAsync(data);
        var reply = await wire.ReadReplyAsync();

        Assert.Equal(550, reply.Code);
        Assert.StartsWith("550 5.5.2", reply.Text, StringComparison.Ordinal);
        Assert.Equal(250, (await wire.CommandAsync("NOOP")).Code);
        Assert.Empty(await _server.WaitForMaildirAsync("localhost", "alice", 1, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Data_DotStuffedLines_StoredUnstuffed()
    {
        await using var wire = await SmtpWire.ConnectAsync(_server.Address, _server.MxPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO a");
        await wire.CommandAsync("MAIL FROM:<a@example.net>");
        await wire.CommandAsync("RCPT TO:<alice@localhost>");
        await wire.CommandAsync("DATA");

        await wire.SendAsync("Subject: d\r\n\r\n..\r\n...x\r\n.\r\n");
        var reply = await wire.ReadReplyAsync();
        Assert.StartsWith("250 2.0.0 Ok: queued as ", reply.Text, StringComparison.Ordinal);

        var files = await _server.WaitForMaildirAsync("localhost", "alice", 1);
        var stored = StoredMessage.WithoutAddedTraceFields(StoredMessage.Read(Assert.Single(files)));
        Assert.Equal("Subject: d\r\n\r\n.\r\n..x\r\n", stored);
    }

    [Theory]
    [InlineData("MAIL FROM:<\" \"@example.net>", "250 2.1.0")]
    [InlineData("MAIL FROM:<just\"not\"right@example.net>", "501 5.1.7")]
    public async Task Mail_QuotedLocalPart_ReplyMatchesGrammar(string command, string expected)
    {
        await using var wire = await SmtpWire.ConnectAsync(_server.Address, _server.MxPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO a");

        var reply = await wire.CommandAsync(command);

        Assert.StartsWith(expected, reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ehlo_TwentyThousandOctets_Gets500AndSessionContinues()
    {
        await using var wire = await SmtpWire.ConnectAsync(_server.Address, _server.MxPort);
        await wire.ReadReplyAsync();

        var reply = await wire.CommandAsync("EHLO " + new string('a', 20_000));

        Assert.StartsWith("500 5.5.2", reply.Text, StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0", (await wire.CommandAsync("NOOP")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bdat_WithoutMail_Gets503AndChunkIsNotACommand()
    {
        await using var wire = await SmtpWire.ConnectAsync(_server.Address, _server.MxPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO a");

        await wire.SendAsync("BDAT 5\r\nhello");
        var reply = await wire.ReadReplyAsync();

        Assert.StartsWith("503 5.5.1", reply.Text, StringComparison.Ordinal);
        Assert.StartsWith("250 2.0.0", (await wire.CommandAsync("NOOP")).Text, StringComparison.Ordinal);
        Assert.True(await wire.NothingArrivesAsync(TimeSpan.FromMilliseconds(200)), "the chunk was answered as a command");
    }

    [Fact]
    public async Task Submission_MailBeforeTls_Gets530()
    {
        await using var wire = await SmtpWire.ConnectAsync(_server.Address, _server.SubmissionPort);
        await wire.ReadReplyAsync();
        var ehlo = await wire.CommandAsync("EHLO a");
        Assert.Contains(ehlo.Lines, line => line.EndsWith("STARTTLS", StringComparison.Ordinal));

        var reply = await wire.CommandAsync("MAIL FROM:<a@example.net>");

        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", reply.Text);
    }

    [Fact]
    public async Task ImplicitTls_GreetingAfterHandshake_RequiresLogin()
    {
        await using var wire = await SmtpWire.ConnectAsync(_server.Address, _server.ImplicitTlsPort, implicitTls: true);
        Assert.Equal(220, (await wire.ReadReplyAsync()).Code);
        var ehlo = await wire.CommandAsync("EHLO a");
        Assert.DoesNotContain(ehlo.Lines, line => line.Contains("STARTTLS", StringComparison.Ordinal));

        // RFC 6409 section 4.3: a submission port takes MAIL only after AUTH.
        var mail = await wire.CommandAsync("MAIL FROM:<a@example.net>");

        Assert.Equal("530 5.7.0 Authentication required", mail.Text);
    }

    [Fact]
    public async Task Submission_AfterStartTlsWithoutLogin_Gets530()
    {
        await using var wire = await SmtpWire.ConnectAsync(_server.Address, _server.SubmissionPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO a");
        Assert.Equal(220, (await wire.CommandAsync("STARTTLS")).Code);
        await wire.HandshakeAsync();
        await wire.CommandAsync("EHLO a");

        var mail = await wire.CommandAsync("MAIL FROM:<a@example.net>");

        Assert.Equal("530 5.7.0 Authentication required", mail.Text);
    }

    [Theory]
    [InlineData("RCPT TO:<user@example.net>", "550 5.7.1")]
    [InlineData("RCPT TO:<carol@users.test>", "550 5.1.1")]
    [InlineData("RCPT TO:<Postmaster>", "250 2.1.5")]
    [InlineData("RCPT TO:<anyone@LOCALHOST>", "250 2.1.5")]
    [InlineData("RCPT TO:<\"a/b\"@localhost>", "550 5.1.3")]
    [InlineData("RCPT TO:<\"../x\"@localhost>", "550 5.1.3")]
    public async Task Rcpt_LocalAndRemote_GetExpectedReply(string command, string expected)
    {
        await using var wire = await SmtpWire.ConnectAsync(_server.Address, _server.MxPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO a");
        await wire.CommandAsync("MAIL FROM:<a@example.net>");

        var reply = await wire.CommandAsync(command);

        Assert.StartsWith(expected, reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rcpt_SameRecipientTwice_DeliveredOnce()
    {
        await using var wire = await SmtpWire.ConnectAsync(_server.Address, _server.MxPort);
        await wire.ReadReplyAsync();
        await wire.CommandAsync("EHLO a");
        await wire.CommandAsync("MAIL FROM:<a@example.net>");
        Assert.Equal(250, (await wire.CommandAsync("RCPT TO:<twice@localhost>")).Code);
        Assert.Equal(250, (await wire.CommandAsync("RCPT TO:<twice@LOCALHOST>")).Code);
        await wire.CommandAsync("DATA");
        await wire.SendAsync("Subject: twice\r\n\r\nbody\r\n.\r\n");
        Assert.Equal(250, (await wire.ReadReplyAsync()).Code);

        await _server.WaitForMaildirAsync("localhost", "twice", 2, TimeSpan.FromSeconds(2));

        Assert.Single(await _server.WaitForMaildirAsync("localhost", "twice", 1));
    }

    private async Task AssertDeliveredUnchangedAsync(string user, string expectedContent, bool expectTls)
    {
        var files = await _server.WaitForMaildirAsync("localhost", user, 1);
        var stored = StoredMessage.Read(Assert.Single(files));

        Assert.Equal(expectedContent, StoredMessage.WithoutAddedTraceFields(stored));
        Assert.StartsWith("Return-Path: <sender@example.net>\r\n", stored, StringComparison.Ordinal);
        var received = StoredMessage.ReceivedField(stored);
        Assert.Contains(expectTls ? "with ESMTPS" : "with ESMTP ", received, StringComparison.Ordinal);
        Assert.Contains("TLSv1.", received, StringComparison.Ordinal);
    }
}
