using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Tern.LoadGenerator;

/// <summary>
/// One client connection of a load run: greeting, EHLO, optionally STARTTLS and a second EHLO, then
/// the messages one after another without pipelining, then QUIT.
/// </summary>
internal sealed class LoadConnection(int number, LoadOptions options, TestMessage message, ErrorReporter errors)
{
    private readonly ConnectionResult _result = new();

    public async Task<ConnectionResult> RunAsync(CancellationToken cancellationToken)
    {
        SmtpClientConnection? connection = null;
        try
        {
            connection = await SmtpClientConnection.OpenAsync(options.Server, options.ConnectTimeout, options.ReplyTimeout, cancellationToken);
            if (!await OpenSessionAsync(connection, cancellationToken))
            {
                return _result;
            }

            for (var i = 0; i < options.MessagesPerConnection; i++)
            {
                if (!await SendMessageAsync(connection, message.CreateHeader(number, i), cancellationToken))
                {
                    return _result;
                }
            }

            var quit = await connection.SendCommandAsync("QUIT", cancellationToken);
            Expect(quit, "QUIT");
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or SmtpProtocolException or AuthenticationException)
        {
            _result.Failure = ex.Message;
            errors.Report($"connection {number}: {ex.Message}");
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }

        return _result;
    }

    // Returns false when the session cannot go on, after recording why.
    private async Task<bool> OpenSessionAsync(SmtpClientConnection connection, CancellationToken cancellationToken)
    {
        if (!Expect(await connection.ReadGreetingAsync(cancellationToken), "the greeting"))
        {
            return false;
        }

        var ehlo = await connection.SendCommandAsync($"EHLO {connection.EhloDomain}", cancellationToken);
        if (!Expect(ehlo, "EHLO"))
        {
            return false;
        }

        if (!options.StartTls)
        {
            return true;
        }

        if (!ehlo.HasExtension("STARTTLS"))
        {
            Fail("the server does not offer STARTTLS in its EHLO reply; run without --starttls to test plaintext");
            return false;
        }

        if (!Expect(await connection.StartTlsAsync(cancellationToken), "STARTTLS"))
        {
            return false;
        }

        _result.TlsDescription = connection.TlsDescription;

        // RFC 3207 section 4.2: the extensions offered before TLS no longer count, so EHLO again.
        return Expect(await connection.SendCommandAsync($"EHLO {connection.EhloDomain}", cancellationToken), "EHLO after STARTTLS");
    }

    // Sends one message and returns false when the connection cannot carry another.
    private async Task<bool> SendMessageAsync(SmtpClientConnection connection, byte[] header, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();

        var mail = await connection.SendCommandAsync($"MAIL FROM:<{options.Sender}>", cancellationToken);
        if (!Expect(mail, "MAIL"))
        {
            return await ResetAsync(connection, mail, cancellationToken);
        }

        var rcpt = await connection.SendCommandAsync($"RCPT TO:<{options.Recipient}>", cancellationToken);
        if (!Expect(rcpt, "RCPT"))
        {
            return await ResetAsync(connection, rcpt, cancellationToken);
        }

        // RFC 5321 section 4.1.1.4: the server replies 354 to DATA before the message, and sends the
        // reply that decides the transaction after the final "." line.
        var dataCommand = await connection.SendCommandAsync("DATA", cancellationToken);
        if (!Expect(dataCommand, "DATA", expectedCode: 354))
        {
            return await ResetAsync(connection, dataCommand, cancellationToken);
        }

        var final = await connection.SendDataAsync(header, message.Body, cancellationToken);
        if (!Expect(final, "the message data"))
        {
            return !final.IsServiceClosing;
        }

        _result.Accepted++;
        _result.LatenciesMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return true;
    }

    // Ends a failed transaction with RSET, so the next message starts clean. After 421 the server closes
    // the connection (RFC 5321 section 3.8), so there is nothing left to reset.
    private async Task<bool> ResetAsync(SmtpClientConnection connection, ServerReply failed, CancellationToken cancellationToken)
    {
        if (failed.IsServiceClosing)
        {
            return false;
        }

        var reset = await connection.SendCommandAsync("RSET", cancellationToken);
        return Expect(reset, "RSET") || !reset.IsServiceClosing;
    }

    // Returns true when the reply has the expected code, any 2xx by default. Otherwise counts and reports an error reply.
    private bool Expect(ServerReply reply, string step, int? expectedCode = null)
    {
        var ok = expectedCode is { } code ? reply.Code == code : reply.IsPositiveCompletion;
        if (!ok)
        {
            _result.ErrorReplies++;
            errors.Report(string.Create(CultureInfo.InvariantCulture, $"connection {number}: {step} got {reply}"));
        }

        return ok;
    }

    private void Fail(string reason)
    {
        _result.Failure = reason;
        errors.Report($"connection {number}: {reason}");
    }
}
