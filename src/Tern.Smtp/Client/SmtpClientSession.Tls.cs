using System.Net.Security;
using System.Security.Authentication;

namespace Tern.Smtp.Client;

/// <summary>STARTTLS (RFC 3207).</summary>
public sealed partial class SmtpClientSession
{
    /// <summary>
    /// Sends STARTTLS, runs the TLS handshake on a 220 reply, then sends EHLO again and replaces
    /// <see cref="Capabilities"/> with the ones offered over TLS (RFC 3207 section 4.2).
    /// </summary>
    /// <param name="tlsOptions">
    /// The handshake settings from the caller: TargetHost for SNI and a RemoteCertificateValidationCallback,
    /// such as a DANE validator.
    /// </param>
    /// <param name="cancellationToken">Cancels the command and the handshake.</param>
    /// <exception cref="SmtpClientException">
    /// STARTTLS is not offered or gets a reply other than 220, and the session stays usable in plaintext. Or the
    /// server sent data after its 220 before the handshake, or EHLO failed after it, and the session is faulted.
    /// </exception>
    /// <exception cref="AuthenticationException">The handshake failed or the certificate was rejected; the session is faulted.</exception>
    public async Task StartTlsAsync(SslClientAuthenticationOptions tlsOptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tlsOptions);
        Enter();
        SmtpClientException? refusal = null;
        try
        {
            if (IsTls)
            {
                throw new InvalidOperationException($"Client session {SessionId} already runs over TLS.");
            }

            refusal = await NegotiateTlsAsync(tlsOptions, cancellationToken);
        }
        catch (Exception exception) when (exception is not InvalidOperationException)
        {
            _faulted = true;
            throw;
        }
        finally
        {
            Exit();
        }

        if (refusal is not null)
        {
            throw refusal;
        }
    }

    /// <summary>Runs STARTTLS; returns the exception to throw when the server does not offer or accept it.</summary>
    private async Task<SmtpClientException?> NegotiateTlsAsync(SslClientAuthenticationOptions tlsOptions, CancellationToken cancellationToken)
    {
        if (!Capabilities.StartTls)
        {
            return new SmtpClientException(SmtpClientStage.StartTls, null, "The server does not offer STARTTLS.");
        }

        var reply = await CommandAsync("STARTTLS", SmtpClientStage.StartTls, _options.CommandTimeout, cancellationToken);
        if (reply.Code != 220)
        {
            // RFC 3207 section 4: after 454 or 501 the session goes on without TLS, so the caller may
            // continue in plaintext if its policy allows.
            return new SmtpClientException(SmtpClientStage.StartTls, reply, $"The server did not accept STARTTLS: {reply.Code} {reply.EnhancedStatusCode} {reply.JoinedText}");
        }

        // RFC 3207 section 4.2 and the STARTTLS command injection attacks: anything that arrived after the
        // 220 came in plaintext, possibly from a man in the middle, and would be read as the first replies
        // over TLS. It is never used, and the session ends, because the server is out of step.
        var injected = _reader.BufferedCount;
        if (injected > 0)
        {
            _reader.DiscardBufferedInput();
            Log.StartTlsInputInjected(_logger, SessionId, injected);
            throw new SmtpClientException(SmtpClientStage.StartTls, reply, $"The server sent {injected} octets after its STARTTLS reply and before the TLS handshake; closing the session.");
        }

        var tls = new SslStream(_transport, leaveInnerStreamOpen: false);
        _transport = tls;
        _reader.Stream = tls;
        using (var timer = new CancellationTokenSource(_options.CommandTimeout, _options.TimeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token))
        {
            try
            {
                await tls.AuthenticateAsClientAsync(tlsOptions, linked.Token);
            }
            catch (OperationCanceledException exception) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The TLS handshake took longer than {_options.CommandTimeout}.", exception);
            }
        }

        _tlsStream = tls;
        Log.ClientTlsEstablished(_logger, SessionId, tls.SslProtocol, tls.NegotiatedCipherSuite);

        // RFC 3207 section 4.2: the client discards what it learned before TLS and sends EHLO again.
        await HelloAsync(cancellationToken);
        return null;
    }
}
