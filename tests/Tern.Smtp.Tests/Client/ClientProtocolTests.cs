using System.Security.Authentication;
using Microsoft.Extensions.Time.Testing;
using Tern.Smtp.Client;

namespace Tern.Smtp.Tests.Client;

/// <summary>The client against a scripted fake server, for replies that Tern's own server never sends.</summary>
public sealed class ClientProtocolTests
{
    private static readonly SmtpClientOptions Options = ServerPair.ClientOptions();

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    [Fact]
    public async Task StartTls_NotOffered_ThrowsAndStaysUsable()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync("PIPELINING");
            await server.ExpectAsync("NOOP-never-sent");
        });
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);

        var exception = await Assert.ThrowsAsync<SmtpClientException>(() => client.StartTlsAsync(ServerPair.TlsOptions(), Timeout));

        Assert.Equal(SmtpClientStage.StartTls, exception.Stage);
        Assert.Null(exception.Reply);
        Assert.False(client.IsFaulted);
        Assert.False(client.IsTls);
        Assert.DoesNotContain("STARTTLS", server.ClientStream.WrittenText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTls_Answered454_ThrowsWithReply()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync("STARTTLS", "ENHANCEDSTATUSCODES");
            await server.ExpectAsync("STARTTLS");
            await server.SendAsync("454 4.7.0 TLS not available due to temporary reason\r\n");
            await server.ExpectAsync("RSET");
            await server.SendAsync("250 2.0.0 Ok\r\n");
        });
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);

        var exception = await Assert.ThrowsAsync<SmtpClientException>(() => client.StartTlsAsync(ServerPair.TlsOptions(), Timeout));

        Assert.Equal(SmtpClientStage.StartTls, exception.Stage);
        Assert.Equal(454, exception.Reply?.Code);
        Assert.Equal("4.7.0", exception.Reply?.EnhancedStatusCode);
        Assert.False(client.IsFaulted);

        // RFC 3207 section 4: the session goes on in plaintext.
        await client.ResetAsync(Timeout);
        await server.Completion;
    }

    [Fact]
    public async Task StartTls_BytesAfterReady_ThrowsWithoutHandshake()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync("STARTTLS");
            await server.ExpectAsync("STARTTLS");
            await server.SendAsync("220 2.0.0 Ready\r\n250-injected.example\r\n250 PIPELINING\r\n");
            Assert.True(await server.ReadEndOfStreamAsync());
        });
        var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);

        var exception = await Assert.ThrowsAsync<SmtpClientException>(() => client.StartTlsAsync(ServerPair.TlsOptions(), Timeout));

        Assert.Equal(SmtpClientStage.StartTls, exception.Stage);
        Assert.Equal(220, exception.Reply?.Code);
        Assert.True(client.IsFaulted);
        Assert.False(client.IsTls);
        Assert.False(client.Capabilities.Pipelining);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.ResetAsync(Timeout));

        // Nothing follows STARTTLS, not even a ClientHello: the server reads the end of the stream.
        await client.DisposeAsync();
        await server.Completion;
        Assert.EndsWith("STARTTLS\r\n", server.ClientStream.WrittenText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTls_UntrustedCertificate_ThrowsAuthenticationException()
    {
        await using var pair = ServerPair.Start();
        var client = await SmtpClientSession.ConnectAsync(pair.ClientStream, Options, Timeout);
        var tlsOptions = ServerPair.TlsOptions();
        tlsOptions.RemoteCertificateValidationCallback = (_, _, _, _) => false;

        await Assert.ThrowsAsync<AuthenticationException>(() => client.StartTlsAsync(tlsOptions, Timeout));

        Assert.True(client.IsFaulted);
        Assert.False(client.IsTls);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task StartTls_AfterHandshake_CapabilitiesReplaced()
    {
        await using var pair = ServerPair.Start();
        await using var client = await SmtpClientSession.ConnectAsync(pair.ClientStream, Options, Timeout);
        Assert.True(client.Capabilities.StartTls);

        await client.StartTlsAsync(ServerPair.TlsOptions(), Timeout);

        Assert.True(client.IsTls);
        Assert.NotNull(client.TlsStream);
        Assert.True(client.TlsStream.IsAuthenticated);
        Assert.False(client.Capabilities.StartTls);
        Assert.True(client.Capabilities.Pipelining);
        // The second EHLO went over TLS, so the plaintext on the wire has only the first.
        Assert.Single(pair.ClientStream.Writes, write => write.AsSpan().StartsWith("EHLO "u8));
    }

    [Fact]
    public async Task Ehlo_Rejected502_FallsBackToHelo()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.SendAsync("220 old.example.net SMTP\r\n");
            await server.ExpectAsync("EHLO client.example.org");
            await server.SendAsync("502 Command not implemented\r\n");
            await server.ExpectAsync("HELO client.example.org");
            await server.SendAsync("250 old.example.net\r\n");
        });

        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);
        await server.Completion;

        Assert.Same(SmtpCapabilities.None, client.Capabilities);
        Assert.Equal(220, client.Greeting.Code);
        Assert.Equal(["EHLO client.example.org", "HELO client.example.org"], server.Received);
    }

    [Fact]
    public async Task Ehlo_Rejected421_Throws()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.SendAsync("220 busy.example.net ESMTP\r\n");
            await server.ExpectAsync("EHLO");
            await server.SendAsync("421 4.3.2 Service shutting down\r\n");
        });

        var exception = await Assert.ThrowsAsync<SmtpClientException>(() => SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout));

        Assert.Equal(SmtpClientStage.Ehlo, exception.Stage);
        Assert.Equal(421, exception.Reply?.Code);
        Assert.DoesNotContain("HELO", server.ClientStream.WrittenText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hello there\r\n")]
    [InlineData("220-first line\r\n250 second code differs\r\n")]
    [InlineData("120 not an SMTP reply code\r\n")]
    [InlineData("220_no separator\r\n")]
    public async Task Greeting_Garbage_ProtocolError(string greeting)
    {
        await using var server = ScriptedServer.Start(server => server.SendAsync(greeting));

        var exception = await Assert.ThrowsAsync<SmtpClientException>(() => SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout));

        Assert.Equal(SmtpClientStage.Greeting, exception.Stage);
        Assert.Null(exception.Reply);
    }

    [Fact]
    public async Task Reply_GarbageAfterMail_ProtocolErrorAndFaulted()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync();
            await server.ExpectAsync("MAIL FROM:<a@example.org>");
            await server.SendAsync("2x0 what\r\n");
        });
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);

        var exception = await Assert.ThrowsAsync<SmtpClientException>(
            () => client.SendAsync(ClientTransactionTests.Envelope("a@example.org", "b@example.net"), ClientTransactionTests.Stream("x\r\n"), Timeout));

        Assert.Equal(SmtpClientStage.Mail, exception.Stage);
        Assert.True(client.IsFaulted);
    }

    [Fact]
    public async Task Greeting_554_ThrowsAfterQuit()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.SendAsync("554 5.7.1 No SMTP service here\r\n");
            await server.ExpectAsync("QUIT");
            await server.SendAsync("221 2.0.0 Bye\r\n");
        });

        var exception = await Assert.ThrowsAsync<SmtpClientException>(() => SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout));
        await server.Completion;

        Assert.Equal(SmtpClientStage.Greeting, exception.Stage);
        Assert.Equal(554, exception.Reply?.Code);
        // RFC 2034: enhanced status codes are known only after EHLO offers them, so the text keeps "5.7.1".
        Assert.Equal(["5.7.1 No SMTP service here"], exception.Reply?.Lines);
        Assert.Equal(["QUIT"], server.Received);
    }

    [Fact]
    public async Task Ehlo_NoReply_TimesOutOnFakeClock()
    {
        var time = new FakeTimeProvider();
        var options = new SmtpClientOptions { HeloName = "client.example.org", TimeProvider = time };
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.SendAsync("220 slow.example.net ESMTP\r\n");
            await server.ExpectAsync("EHLO");
        });

        var connect = SmtpClientSession.ConnectAsync(server.ClientStream, options, CancellationToken.None);
        await server.Completion;

        // The client starts its reply timer after the EHLO write, so the clock moves until the timer has fired.
        for (var step = 0; step < 100 && !connect.IsCompleted; step++)
        {
            time.Advance(options.CommandTimeout);
            await Task.WhenAny(connect, Task.Delay(20));
        }

        var exception = await Assert.ThrowsAsync<TimeoutException>(() => connect);
        Assert.Contains("Ehlo", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataTermination_NoReply_TimesOutOnFakeClock()
    {
        var time = new FakeTimeProvider();
        var options = new SmtpClientOptions { HeloName = "client.example.org", TimeProvider = time };
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync();
            await server.ExpectAsync("MAIL");
            await server.SendAsync("250 ok\r\n");
            await server.ExpectAsync("RCPT");
            await server.SendAsync("250 ok\r\n");
            await server.ExpectAsync("DATA");
            await server.SendAsync("354 go ahead\r\n");
            await server.ExpectAsync("x");
            await server.ExpectAsync(".");
        });
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, options, Timeout);

        var send = client.SendAsync(ClientTransactionTests.Envelope("a@example.org", "b@example.net"), ClientTransactionTests.Stream("x\r\n"), CancellationToken.None);
        await server.Completion;

        // Less than the 10-minute data termination timeout: still waiting.
        time.Advance(TimeSpan.FromMinutes(9));
        await Task.WhenAny(send, Task.Delay(50));
        Assert.False(send.IsCompleted);

        for (var step = 0; step < 100 && !send.IsCompleted; step++)
        {
            time.Advance(TimeSpan.FromMinutes(2));
            await Task.WhenAny(send, Task.Delay(20));
        }

        await Assert.ThrowsAsync<TimeoutException>(() => send);
        Assert.True(client.IsFaulted);
    }

    [Fact]
    public async Task Send_SmtpUtf8NotOffered_553WithoutMail()
    {
        await using var server = ScriptedServer.Start(server => server.GreetAsync("PIPELINING", "8BITMIME"));
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);
        var envelope = ClientTransactionTests.Envelope("a@example.org", "j\u00f6rg@example.net", "b@example.net");

        var result = await client.SendAsync(envelope, ClientTransactionTests.Stream("x\r\n"), Timeout);

        Assert.False(result.MailSent);
        Assert.Equal([553, 553], result.Outcomes.Select(reply => reply.Code));
        Assert.All(result.Outcomes, reply => Assert.Equal("5.6.7", reply.EnhancedStatusCode));
        Assert.Null(result.DataReply);
        Assert.DoesNotContain("MAIL", server.ClientStream.WrittenText, StringComparison.Ordinal);
        Assert.False(client.IsFaulted);
    }

    [Fact]
    public async Task Send_SmtpUtf8FlagNotOffered_553WithoutMail()
    {
        await using var server = ScriptedServer.Start(server => server.GreetAsync("PIPELINING"));
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);
        var envelope = ClientTransactionTests.Envelope("a@example.org", "b@example.net") with { SmtpUtf8 = true };

        var result = await client.SendAsync(envelope, ClientTransactionTests.Stream("Subject: \u00e9\r\n\r\nx\r\n"), Timeout);

        Assert.Equal("553 5.6.7 The server does not support SMTPUTF8, which the message requires\r\n", result.GetOutcome(0).ToString());
        Assert.DoesNotContain("MAIL", server.ClientStream.WrittenText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_EightBitWithout8BitMime_SentWithoutBody()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync();
            await server.ExpectAsync("MAIL FROM:<a@example.org>");
            await server.SendAsync("250 ok\r\n");
            await server.ExpectAsync("RCPT TO:<b@example.net>");
            await server.SendAsync("250 ok\r\n");
            await server.ExpectAsync("DATA");
            await server.SendAsync("354 go ahead\r\n");
            await server.ExpectAsync("caf\u00e9");
            await server.ExpectAsync(".");
            await server.SendAsync("250 queued\r\n");
        });
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);
        var envelope = ClientTransactionTests.Envelope("a@example.org", "b@example.net") with { EightBitMime = true };

        var result = await client.SendAsync(envelope, ClientTransactionTests.Stream("caf\u00e9\r\n"), Timeout);
        await server.Completion;

        // RFC 6152 section 3 leaves conversion or rejection; Tern sends the content as it is, without BODY.
        Assert.Equal(250, result.DataReply?.Code);
        Assert.Equal("MAIL FROM:<a@example.org>", server.Received[1]);
    }

    [Fact]
    public async Task Send_WithoutPipelining_OneCommandAtATime()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync("SIZE 1000", "DSN");
            await server.ExpectAsync("MAIL FROM:<> SIZE=3 RET=HDRS ENVID=id+2Bx+3D1");
            await server.SendAsync("250 ok\r\n");
            await server.ExpectAsync("RCPT TO:<b@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@example.net");
            await server.SendAsync("550 no such user\r\n");
            await server.ExpectAsync("RCPT TO:<c@example.net> ORCPT=rfc822;C+20c@example.net");
            await server.SendAsync("451 try later\r\n");
            await server.ExpectAsync("RSET");
            await server.SendAsync("250 ok\r\n");
        });
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);
        var envelope = new SmtpClientEnvelope("",
        [
            new SmtpClientRecipient("b@example.net") { DsnNotify = "success,failure", DsnOriginalRecipient = "rfc822;b@example.net" },
            new SmtpClientRecipient("c@example.net") { DsnOriginalRecipient = "C c@example.net" },
        ])
        {
            DsnReturn = "hdrs",
            DsnEnvelopeId = "id+x=1",
        };

        var result = await client.SendAsync(envelope, ClientTransactionTests.Stream("x\r\n"), Timeout);
        await server.Completion;

        Assert.Equal([550, 451], result.Outcomes.Select(reply => reply.Code));
        Assert.Null(result.DataReply);
        Assert.Equal(1, server.ClientStream.Writes.Count(write => write.AsSpan().StartsWith("MAIL"u8)));
        Assert.Equal(2, server.ClientStream.Writes.Count(write => write.AsSpan().StartsWith("RCPT"u8)));
    }

    [Fact]
    public async Task Send_MailRejectedWithoutPipelining_NoRcpt()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync("ENHANCEDSTATUSCODES");
            await server.ExpectAsync("MAIL FROM:<a@example.org>");
            await server.SendAsync("451-4.3.0 Local error\r\n451 4.3.0 try again later\r\n");
            await server.ExpectAsync("NOOP-never-sent");
        });
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);

        var result = await client.SendAsync(ClientTransactionTests.Envelope("a@example.org", "b@example.net", "c@example.net"), ClientTransactionTests.Stream("x\r\n"), Timeout);

        Assert.Equal("451-4.3.0 Local error\r\n451 4.3.0 try again later\r\n", result.MailReply?.ToString());
        Assert.All(result.Outcomes, reply => Assert.Same(result.MailReply, reply));
        Assert.DoesNotContain("RCPT", server.ClientStream.WrittenText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_DataRejected_RsetAndDataReply()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync("PIPELINING");
            await server.ExpectAsync("MAIL");
            await server.ExpectAsync("RCPT");
            await server.SendAsync("250 ok\r\n250 ok\r\n");
            await server.ExpectAsync("DATA");
            await server.SendAsync("554 no thanks\r\n");
            await server.ExpectAsync("RSET");
            await server.SendAsync("250 ok\r\n");
        });
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);

        var result = await client.SendAsync(ClientTransactionTests.Envelope("a@example.org", "b@example.net"), ClientTransactionTests.Stream("x\r\n"), Timeout);
        await server.Completion;

        Assert.Equal(554, result.DataReply?.Code);
        Assert.Equal(554, result.GetOutcome(0).Code);
        Assert.False(client.IsFaulted);
    }

    [Fact]
    public async Task Send_InvalidRecipient_NotSentAnd553()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync("PIPELINING");
            await server.ExpectAsync("MAIL");
            await server.ExpectAsync("RCPT TO:<b@example.net>");
            await server.SendAsync("250 ok\r\n250 ok\r\n");
            await server.ExpectAsync("DATA");
            await server.SendAsync("354 go\r\n");
            await server.ExpectAsync("x");
            await server.ExpectAsync(".");
            await server.SendAsync("250 queued\r\n");
        });
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);

        var result = await client.SendAsync(ClientTransactionTests.Envelope("a@example.org", "bad>\r\nRSET@x", "b@example.net"), ClientTransactionTests.Stream("x\r\n"), Timeout);
        await server.Completion;

        Assert.Equal("5.1.3", result.GetOutcome(0).EnhancedStatusCode);
        Assert.Equal(250, result.GetOutcome(1).Code);
        Assert.DoesNotContain("bad", server.ClientStream.WrittenText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_InvalidDsnNotify_ThrowsBeforeSending()
    {
        await using var server = ScriptedServer.Start(server => server.GreetAsync("DSN"));
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);
        var envelope = new SmtpClientEnvelope("a@example.org", [new SmtpClientRecipient("b@example.net") { DsnNotify = "NEVER,SUCCESS" }]);

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync(envelope, ClientTransactionTests.Stream("x\r\n"), Timeout));

        Assert.False(client.IsFaulted);
        Assert.DoesNotContain("MAIL", server.ClientStream.WrittenText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quit_ConnectionClosed_Ignored()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync();
            await server.ExpectAsync("QUIT");
        });
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);
        var quit = client.QuitAsync(Timeout);
        await server.Completion;
        await server.CloseAsync();

        await quit;

        Assert.True(client.IsFaulted);
    }

    [Fact]
    public async Task Send_Cancelled_SessionFaulted()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync("PIPELINING");
            await server.ExpectAsync("MAIL");
        });
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);
        using var cancellation = new CancellationTokenSource();

        var send = client.SendAsync(ClientTransactionTests.Envelope("a@example.org", "b@example.net"), ClientTransactionTests.Stream("x\r\n"), cancellation.Token);
        await server.Completion;
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.True(client.IsFaulted);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.ResetAsync(Timeout));
    }

    [Fact]
    public async Task Send_WhileBusy_InvalidOperation()
    {
        // The server keeps back its replies until the second call has failed, so the transaction is
        // still running when ResetAsync is called.
        var secondCallDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync("PIPELINING");
            await server.ExpectAsync("MAIL");
            await server.ExpectAsync("RCPT");
            await secondCallDone.Task;
            await server.SendAsync("250 ok\r\n550 no\r\n");
            await server.ExpectAsync("RSET");
            await server.SendAsync("250 ok\r\n");
        });
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);

        var send = client.SendAsync(ClientTransactionTests.Envelope("a@example.org", "b@example.net"), ClientTransactionTests.Stream("x\r\n"), Timeout);
        var second = await Assert.ThrowsAsync<InvalidOperationException>(() => client.ResetAsync(Timeout));
        secondCallDone.SetResult();

        Assert.Contains("one at a time", second.Message, StringComparison.Ordinal);
        Assert.Equal(550, (await send).GetOutcome(0).Code);
        Assert.False(client.IsFaulted);
    }

    [Fact]
    public async Task Reset_Rejected_ThrowsAndFaults()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync();
            await server.ExpectAsync("RSET");
            await server.SendAsync("500 what\r\n");
        });
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);

        var exception = await Assert.ThrowsAsync<SmtpClientException>(() => client.ResetAsync(Timeout));

        Assert.Equal(SmtpClientStage.Rset, exception.Stage);
        Assert.Equal(500, exception.Reply?.Code);
        Assert.True(client.IsFaulted);
    }

    [Fact]
    public async Task Send_UnseekableContent_NoSizeParameter()
    {
        await using var server = ScriptedServer.Start(async server =>
        {
            await server.GreetAsync("SIZE 10");
            await server.ExpectAsync("MAIL FROM:<a@example.org>");
            await server.SendAsync("250 ok\r\n");
            await server.ExpectAsync("RCPT");
            await server.SendAsync("550 no\r\n");
            await server.ExpectAsync("RSET");
            await server.SendAsync("250 ok\r\n");
        });
        await using var client = await SmtpClientSession.ConnectAsync(server.ClientStream, Options, Timeout);

        await client.SendAsync(ClientTransactionTests.Envelope("a@example.org", "b@example.net"), new UnseekableStream("0123456789abc\r\n"u8.ToArray()), Timeout);
        await server.Completion;

        // Without a declared size and without a length, the client cannot apply the limit and sends no SIZE.
        Assert.Equal("MAIL FROM:<a@example.org>", server.Received[1]);
    }

    [Fact]
    public void Options_InvalidHeloName_Rejected()
    {
        var options = new SmtpClientOptions { HeloName = "not a name" };

        Assert.Throws<ArgumentException>(() => SmtpClientSession.ConnectAsync(Stream.Null, options, CancellationToken.None).GetAwaiter().GetResult());
    }

    /// <summary>Content whose length is unknown, as a stream from a pipe would be.</summary>
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
