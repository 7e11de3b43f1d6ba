using System.Net.Security;
using System.Security.Authentication;
using Tern.Smtp.Protocol;

namespace Tern.Smtp.Server;

/// <summary>STARTTLS (RFC 3207) and the TLS handshake.</summary>
internal sealed partial class SmtpConnection
{
    private async ValueTask<bool> HandleStartTlsAsync(string argument)
    {
        if (_context.IsTls)
        {
            Reply(SmtpReplies.TlsAlreadyActive);
            return true;
        }

        if (_server.CertificateContext is null)
        {
            Reply(SmtpReplies.TlsNotAvailable);
            return true;
        }

        if (argument.Length > 0)
        {
            Reply(SmtpReplies.NoArguments);
            return true;
        }

        // The pipelined replies of an open transaction would be lost in the reset after the handshake.
        if (_envelope is not null)
        {
            Reply(SmtpReplies.TlsInTransaction);
            return true;
        }

        Reply(SmtpReplies.ReadyToStartTls);

        // Whatever the client sent after STARTTLS arrived in plaintext and could have been injected by a
        // man in the middle, so it is dropped, never executed as if it had come over TLS. A conforming
        // client waits for the 220 reply and then starts the handshake, so it loses nothing.
        var discarded = _reader.DiscardBufferedInput();
        if (discarded > 0)
        {
            Log.StartTlsInputDiscarded(_logger, _context.SessionId, _context.RemoteEndPoint, discarded);
        }

        await FlushAsync();
        if (!await StartTlsHandshakeAsync())
        {
            return false;
        }

        // RFC 3207 section 4.2: the server discards what it learned from the client before TLS, so the
        // client must send EHLO again.
        _context.HeloName = null;
        _context.IsExtendedHello = false;
        await AbortTransactionAsync();
        return true;
    }

    /// <summary>Runs the server handshake; returns false, after logging, when it fails and the session must end.</summary>
    private async ValueTask<bool> StartTlsHandshakeAsync()
    {
        var tls = new SslStream(_transport, leaveInnerStreamOpen: false);
        _ioDeadline.CancelAfter(_options.CommandTimeout);
        try
        {
            await tls.AuthenticateAsServerAsync(_server.CreateTlsOptions(), _ioDeadline.Token);
        }
        catch (Exception exception) when (exception is AuthenticationException or IOException or OperationCanceledException)
        {
            // A failed handshake leaves no channel for a reply, so the session ends without one.
            var reason = DescribeHandshakeFailure(exception);
            Log.TlsHandshakeFailed(_logger, _context.SessionId, _context.RemoteEndPoint, reason);
            Log.TlsHandshakeFailedDetail(_logger, _context.SessionId, _context.RemoteEndPoint, exception);
            await tls.DisposeAsync();
            return false;
        }

        _ioDeadline.CancelAfter(Timeout.InfiniteTimeSpan);
        _transport = tls;
        _context.TlsProtocol = tls.SslProtocol;
        _context.TlsCipherSuite = tls.NegotiatedCipherSuite;
        var protocolName = TlsProtocolName.Format(tls.SslProtocol);
        Log.TlsEstablished(_logger, _context.SessionId, _context.RemoteEndPoint, protocolName, tls.NegotiatedCipherSuite);
        return true;
    }

    // Returns one line for the log. The message of an AuthenticationException only points to its inner
    // exception, which contains the TLS library's reason, so the messages of the whole chain are joined.
    private string DescribeHandshakeFailure(Exception exception)
    {
        if (exception is OperationCanceledException)
        {
            return $"timed out after {_options.CommandTimeout}";
        }

        var messages = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            messages.Add(current.Message.ReplaceLineEndings(" ").TrimEnd('.', ' '));
        }

        return string.Join(": ", messages);
    }
}
