using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Tern.Dane;
using Tern.Smtp;
using Tern.Smtp.Client;

namespace Tern.Delivery.Remote;

/// <summary>
/// Runs one mail transaction with one address of an MX host: on an idle pooled session when there is
/// one, otherwise on a new connection with greeting, EHLO and STARTTLS as the <see cref="TlsPlan"/>
/// requires. A session that completed its transaction goes back to the pool.
/// </summary>
internal sealed class SmtpAttempt
{
    private readonly RemoteDeliveryOptions _options;
    private readonly SmtpConnectionPool _pool;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public SmtpAttempt(RemoteDeliveryOptions options, SmtpConnectionPool pool, TimeProvider timeProvider, ILogger logger)
    {
        _options = options;
        _pool = pool;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Connects and delivers; connection, protocol and TLS failures become the outcome, only cancellation throws.</summary>
    /// <param name="hostName">The MX host name, or the address itself for an address literal.</param>
    /// <param name="address">The address to connect to.</param>
    /// <param name="plan">The TLS requirement.</param>
    /// <param name="useTls">False for the plaintext retry after opportunistic TLS failed.</param>
    /// <param name="envelope">The envelope for MAIL and RCPT.</param>
    /// <param name="openContent">Opens the stored message.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    public async Task<AttemptOutcome> RunAsync(
        string hostName,
        IPAddress address,
        TlsPlan plan,
        bool useTls,
        SmtpClientEnvelope envelope,
        Func<CancellationToken, ValueTask<Stream>> openContent,
        CancellationToken cancellationToken)
    {
        var endPoint = new IPEndPoint(address, _options.Port);
        var relay = string.Create(CultureInfo.InvariantCulture, $"{hostName}[{address}]:{_options.Port}");

        using var sessionTimeout = new CancellationTokenSource(_options.SessionTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, sessionTimeout.Token);
        var token = linked.Token;

        // A pooled session was set up under the same TLS plan, so it meets the same requirement.
        var poolKey = string.Create(CultureInfo.InvariantCulture, $"{relay} {plan.Mode} {plan.ServerName} {useTls}");
        if (_pool.TakeIdle(poolKey) is { } idle)
        {
            var reused = await SendAsync(idle, poolKey, relay, envelope, openContent, token, cancellationToken);
            if (reused.Status != AttemptStatus.NextAddress)
            {
                return reused;
            }

            // The server may have closed the idle connection just before it was used; a new one follows.
            Log.PooledSessionFailed(_logger, relay);
        }

        var socket = await ConnectAsync(endPoint, relay, cancellationToken);
        if (socket is null)
        {
            return Fail(AttemptStatus.NextAddress, relay, "4.4.1", $"connect to {relay}: connection failed");
        }

        SmtpClientSession session;
        try
        {
            var clientOptions = new SmtpClientOptions { HeloName = _options.HeloName, TimeProvider = _timeProvider };
            session = await SmtpClientSession.ConnectAsync(new NetworkStream(socket, ownsSocket: true), clientOptions, _logger, token);
        }
        catch (SmtpClientException ex)
        {
            // A 5xx greeting or EHLO rejects this host, not the message, so RFC 5321 section 5.1 has the
            // client try the next MX host. The failure counts as temporary, as with Postfix's default
            // smtp_skip_5xx_greeting=yes, so the last host's greeting never bounces the mail.
            Log.AttemptFailed(_logger, relay, ex.Message);
            return Fail(AttemptStatus.NextHost, relay, "4.4.2", $"host {relay} refused to talk to me: {Describe(ex)}", ex.Reply);
        }
        catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken))
        {
            Log.AttemptFailed(_logger, relay, ex.Message);
            return Fail(AttemptStatus.NextAddress, relay, "4.4.2", $"lost connection with {relay} while receiving the initial server greeting");
        }

        if (useTls && plan.Mode != TlsMode.Plaintext)
        {
            var tlsFailure = await StartTlsAsync(session, plan, relay, token, cancellationToken);
            if (tlsFailure is not null)
            {
                await session.DisposeAsync();
                return tlsFailure;
            }
        }

        return await SendAsync(session, poolKey, relay, envelope, openContent, token, cancellationToken);
    }

    /// <summary>Runs STARTTLS as the plan requires; returns null when the session may carry the message.</summary>
    private async Task<AttemptOutcome?> StartTlsAsync(SmtpClientSession session, TlsPlan plan, string relay, CancellationToken token, CancellationToken cancellationToken)
    {
        if (!session.Capabilities.StartTls)
        {
            if (!plan.RequiresTls)
            {
                // RFC 3207 section 4: without STARTTLS in the EHLO reply, opportunistic TLS sends in plaintext.
                return null;
            }

            // RFC 7672 section 2.2 and RFC 3207 section 4: when TLS is required, a server that does not
            // offer STARTTLS (or an attacker who removed it) gets no MAIL command in plaintext.
            await QuitQuietlyAsync(session, token);
            return Fail(AttemptStatus.NextHost, relay, "4.7.4", $"TLS is required, but was not offered by host {relay}");
        }

        var trust = new TlsTrust();
        var tlsOptions = CreateTlsOptions(plan, trust);
        try
        {
            await session.StartTlsAsync(tlsOptions, token);
        }
        catch (SmtpClientException ex) when (ex.Stage == SmtpClientStage.StartTls && ex.Reply is not null && !session.IsFaulted)
        {
            return await TlsFailedAsync(session, plan, relay, "4.7.4", $"host {relay} refused to start TLS: {Describe(ex)}", token);
        }
        catch (Exception ex) when (ex is AuthenticationException or SmtpClientException || IsConnectionFailure(ex, cancellationToken))
        {
            var reason = trust.FailureReason is { } certificateProblem
                ? $"Server certificate not verified: {certificateProblem}"
                : $"TLS handshake with {relay} failed: {ex.Message}";
            return await TlsFailedAsync(session, plan, relay, "4.7.5", reason, token);
        }

        var tls = session.TlsStream!;
        var protocol = TlsProtocolName.Format(tls.SslProtocol);
        var cipherSuite = tls.NegotiatedCipherSuite.ToString();
        Log.TlsEstablished(_logger, trust.Level, relay, protocol, cipherSuite);

        return null;
    }

    private async Task<AttemptOutcome> TlsFailedAsync(SmtpClientSession session, TlsPlan plan, string relay, string statusCode, string reason, CancellationToken token)
    {
        if (!session.IsFaulted)
        {
            await QuitQuietlyAsync(session, token);
        }

        if (plan.RequiresTls)
        {
            Log.AttemptFailed(_logger, relay, reason);
            return Fail(AttemptStatus.NextHost, relay, statusCode, reason);
        }

        // Opportunistic TLS: Postfix retries the same server in plaintext after a failed handshake,
        // because a sender who accepts plaintext gains nothing by waiting for a broken TLS stack to be
        // fixed. The retry uses a new connection, since the failed one is out of step.
        Log.TlsFallback(_logger, relay, reason);
        return Fail(AttemptStatus.RetryWithoutTls, relay, statusCode, reason);
    }

    /// <summary>Runs the transaction, then pools the session when it completed and closes it otherwise.</summary>
    private async Task<AttemptOutcome> SendAsync(
        SmtpClientSession session,
        string poolKey,
        string relay,
        SmtpClientEnvelope envelope,
        Func<CancellationToken, ValueTask<Stream>> openContent,
        CancellationToken token,
        CancellationToken cancellationToken)
    {
        SmtpTransactionResult result;
        try
        {
            await using var content = await openContent(token);
            result = await session.SendAsync(envelope, content, token);
        }
        catch (Exception ex) when (ex is SmtpClientException || IsConnectionFailure(ex, cancellationToken))
        {
            // NOTE: a connection lost after the final dot may have delivered the message. The retry then
            // sends it twice, which RFC 5321 section 6.1 prefers to losing it.
            Log.AttemptFailed(_logger, relay, ex.Message);
            await session.DisposeAsync();
            return Fail(AttemptStatus.NextAddress, relay, "4.4.2", $"lost connection with {relay} while sending the message: {ex.Message}");
        }

        if (result is { MailSent: true, MailReply: { IsPositive: false } mailReply })
        {
            // RFC 5321 section 5.1 has the client try the next MX host when a transaction fails. A 5xx
            // reply to MAIL is remembered, so that the mail bounces when every host rejects it.
            var description = $"host {relay} said: {RemoteDeliveryAgent.FormatReply(mailReply)} (in reply to MAIL FROM command)";
            Log.AttemptFailed(_logger, relay, description);
            var failure = new HostFailure(mailReply.EnhancedStatusCode ?? DefaultStatusCode(mailReply.Code), description, mailReply)
            {
                IsPermanent = mailReply.IsPermanentFailure,
            };
            await QuitQuietlyAsync(session, token);
            await session.DisposeAsync();
            return new AttemptOutcome(AttemptStatus.NextHost, relay, null, failure);
        }

        await _pool.ReturnAsync(poolKey, session, token);
        return new AttemptOutcome(AttemptStatus.Completed, relay, result, null);
    }

    private async Task<Socket?> ConnectAsync(IPEndPoint endPoint, string relay, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await socket.ConnectAsync(endPoint, linked.Token);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            Log.ConnectFailed(_logger, relay, ex.SocketErrorCode.ToString());
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            Log.ConnectFailed(_logger, relay, "connection timed out");
            return null;
        }
    }

    private SslClientAuthenticationOptions CreateTlsOptions(TlsPlan plan, TlsTrust trust)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = plan.ServerName,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,

            // Revocation checks and certificate downloads would contact hosts named in the certificate.
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = new X509ChainPolicy
            {
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
            },
        };

        switch (plan.Mode)
        {
            case TlsMode.DaneAuthenticated:
                var validator = new DaneCertificateValidator(plan.Dane!.UsableRecords, plan.Dane.ReferenceIdentifiers, timeProvider: _timeProvider);
                options.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                {
                    var verified = validator.Validate(sender, certificate, chain, errors);
                    trust.Level = verified ? "Verified" : "Untrusted";
                    trust.FailureReason = verified ? null : validator.Result?.FailureReason ?? "no TLSA record matched";
                    return verified;
                };
                break;

            case TlsMode.WebPkiVerified:
                options.RemoteCertificateValidationCallback = (_, _, _, errors) =>
                {
                    trust.Level = errors == SslPolicyErrors.None ? "Verified" : "Untrusted";
                    trust.FailureReason = errors == SslPolicyErrors.None ? null : errors.ToString();
                    return errors == SslPolicyErrors.None;
                };
                break;

            default:
                // Unauthenticated TLS (RFC 7435 opportunistic security, RFC 7672 section 2.2 for unusable
                // TLSA records): any certificate is accepted, since the alternative is plaintext or no
                // delivery, and the log records how far it could have been trusted.
#pragma warning disable CA5359 // The policy requires encryption without authentication.
                options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    trust.Level = certificate is null ? "Anonymous"
                        : (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0 ? "Trusted"
                        : "Untrusted";
                    return true;
                };
#pragma warning restore CA5359
                break;
        }

        return options;
    }

    private static async Task QuitQuietlyAsync(SmtpClientSession session, CancellationToken token)
    {
        try
        {
            await session.QuitAsync(token);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or SmtpClientException or ObjectDisposedException or InvalidOperationException)
        {
            // The message's fate is already known; a failed QUIT changes nothing.
        }
    }

    private static bool IsConnectionFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is IOException or TimeoutException or SocketException or ObjectDisposedException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static string Describe(SmtpClientException ex) =>
        ex.Reply is null ? ex.Message : RemoteDeliveryAgent.FormatReply(ex.Reply);

    internal static string DefaultStatusCode(int replyCode) => (replyCode / 100) switch
    {
        2 => "2.0.0",
        4 => "4.0.0",
        _ => "5.0.0",
    };

    private static AttemptOutcome Fail(AttemptStatus status, string relay, string statusCode, string description, SmtpReply? reply = null) =>
        new(status, relay, null, new HostFailure(statusCode, description, reply));

    /// <summary>What the certificate callback found, kept for the log line after the handshake.</summary>
    private sealed class TlsTrust
    {
        public string Level { get; set; } = "Anonymous";

        public string? FailureReason { get; set; }
    }
}
