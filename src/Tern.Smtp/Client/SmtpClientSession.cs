using System.Net.Security;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tern.Smtp.Client;

/// <summary>
/// The client side of one SMTP session (RFC 5321 with PIPELINING, SIZE, 8BITMIME, SMTPUTF8, CHUNKING, DSN,
/// ENHANCEDSTATUSCODES and STARTTLS) over a connected stream. The session owns the stream and disposes it.
/// One operation runs at a time. After an I/O error, a timeout, a cancellation or a protocol error the
/// session is out of step with the server: <see cref="IsFaulted"/> becomes true and only
/// <see cref="DisposeAsync"/> remains useful.
/// </summary>
public sealed partial class SmtpClientSession : IAsyncDisposable
{
    private readonly SmtpClientOptions _options;
    private readonly ILogger _logger;
    private readonly SmtpReplyReader _reader;
    private Stream _transport;
    private SslStream? _tlsStream;
    private int _busy;
    private bool _faulted;
    private bool _disposed;

    private SmtpClientSession(Stream stream, SmtpClientOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _transport = stream;
        _reader = new SmtpReplyReader(stream);
        if (stream is SslStream { IsAuthenticated: true } tls)
        {
            // Implicit TLS (RFC 8314): the caller completed the handshake before the greeting.
            _tlsStream = tls;
        }
    }

    /// <summary>A random id of 12 lower-case hex digits that names this session in log messages.</summary>
    public string SessionId { get; } = RandomNumberGenerator.GetHexString(12, lowercase: true);

    /// <summary>The server's 220 greeting.</summary>
    public SmtpReply Greeting { get; private set; } = null!;

    /// <summary>The extensions from the latest EHLO reply; <see cref="SmtpCapabilities.None"/> after HELO.</summary>
    public SmtpCapabilities Capabilities { get; private set; } = SmtpCapabilities.None;

    /// <summary>True when the session runs over TLS, after <see cref="StartTlsAsync"/> or on an implicit TLS stream.</summary>
    public bool IsTls => _tlsStream is not null;

    /// <summary>The TLS stream once TLS is established, for its protocol, cipher suite and certificate.</summary>
    public SslStream? TlsStream => _tlsStream;

    /// <summary>True when an earlier error left the session out of step with the server.</summary>
    public bool IsFaulted => _faulted;

    /// <inheritdoc cref="ConnectAsync(Stream, SmtpClientOptions, ILogger?, CancellationToken)"/>
    public static Task<SmtpClientSession> ConnectAsync(Stream stream, SmtpClientOptions options, CancellationToken cancellationToken) =>
        ConnectAsync(stream, options, logger: null, cancellationToken);

    /// <summary>
    /// Reads the greeting and sends EHLO, or HELO when EHLO gets a 5xx reply (RFC 5321 section 3.2).
    /// Throws <see cref="SmtpClientException"/> when the greeting is not 220 or both EHLO and HELO fail, and
    /// <see cref="IOException"/> or <see cref="TimeoutException"/> when the connection fails. On any
    /// failure the stream is disposed.
    /// </summary>
    /// <param name="stream">The connected stream: a NetworkStream, or an SslStream already authenticated for implicit TLS.</param>
    /// <param name="options">The session settings; <see cref="ArgumentException"/> when they are invalid.</param>
    /// <param name="logger">The logger, or null for none.</param>
    /// <param name="cancellationToken">Cancels the whole session setup.</param>
    public static async Task<SmtpClientSession> ConnectAsync(Stream stream, SmtpClientOptions options, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var session = new SmtpClientSession(stream, options, logger ?? NullLogger.Instance);
        try
        {
            await session.OpenAsync(cancellationToken);
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Sends RSET to end any transaction, so the connection can carry another message. Throws
    /// <see cref="SmtpClientException"/> when the server does not reply 2xx; the session is faulted then.
    /// </summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        Enter();
        try
        {
            var reply = await CommandAsync("RSET", SmtpClientStage.Rset, _options.CommandTimeout, cancellationToken);
            if (reply.Code is < 200 or >= 300)
            {
                // A server that cannot reset is in an unknown state; Postfix stops reusing such a connection too.
                throw new SmtpClientException(SmtpClientStage.Rset, reply, $"The server rejected RSET: {reply.Code} {reply.EnhancedStatusCode} {reply.JoinedText}");
            }
        }
        catch
        {
            _faulted = true;
            throw;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Sends QUIT and waits up to <see cref="SmtpClientOptions.QuitTimeout"/> for the reply. Errors after
    /// the command was sent are logged and ignored, because the session ends either way; an error sending
    /// it is thrown. The session is unusable afterwards.
    /// </summary>
    public async Task QuitAsync(CancellationToken cancellationToken)
    {
        Enter();
        try
        {
            await WriteAsync(Encoding.ASCII.GetBytes("QUIT\r\n"), SmtpClientStage.Quit, _options.QuitTimeout, cancellationToken);
            try
            {
                await ReadReplyAsync(SmtpClientStage.Quit, _options.QuitTimeout, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or TimeoutException or SmtpClientException or ObjectDisposedException)
            {
                Log.QuitReplyMissing(_logger, SessionId, exception);
            }
        }
        finally
        {
            _faulted = true;
            Exit();
        }
    }

    /// <summary>Disposes the connection without sending QUIT.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _faulted = true;
        await _transport.DisposeAsync();
        _reader.Dispose();
    }

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        Enter();
        try
        {
            Greeting = await ReadReplyAsync(SmtpClientStage.Greeting, _options.GreetingTimeout, cancellationToken);
            if (Greeting.Code != 220)
            {
                // RFC 5321 section 3.1: after a 554 greeting the client should send QUIT. Its reply does not matter.
                await TryQuitAsync(cancellationToken);
                throw new SmtpClientException(SmtpClientStage.Greeting, Greeting, $"The server greeted with {Greeting.Code} instead of 220: {Greeting.JoinedText}");
            }

            await HelloAsync(cancellationToken);
        }
        catch
        {
            _faulted = true;
            throw;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Sends EHLO, or HELO after a 5xx reply to EHLO, and sets <see cref="Capabilities"/>.</summary>
    private async Task HelloAsync(CancellationToken cancellationToken)
    {
        // RFC 2034 section 3: enhanced codes are present only once the current EHLO reply offers them.
        _reader.ParseEnhancedStatusCodes = false;
        Capabilities = SmtpCapabilities.None;

        var ehlo = await CommandAsync("EHLO " + _options.HeloName, SmtpClientStage.Ehlo, _options.CommandTimeout, cancellationToken);
        if (ehlo.Code is >= 200 and < 300)
        {
            Capabilities = SmtpCapabilities.FromEhloReply(ehlo);
            _reader.ParseEnhancedStatusCodes = Capabilities.EnhancedStatusCodes;
            return;
        }

        // RFC 5321 section 3.2: a server that does not support EHLO rejects it with a 5xx reply, and the
        // client then falls back to HELO. A 4xx reply (421 in practice) is a temporary failure of the session.
        if (ehlo.Code < 500)
        {
            throw new SmtpClientException(SmtpClientStage.Ehlo, ehlo, $"The server rejected EHLO: {ehlo.Code} {ehlo.JoinedText}");
        }

        Log.EhloRejected(_logger, SessionId, ehlo.Code);
        var helo = await CommandAsync("HELO " + _options.HeloName, SmtpClientStage.Helo, _options.CommandTimeout, cancellationToken);
        if (helo.Code is < 200 or >= 300)
        {
            throw new SmtpClientException(SmtpClientStage.Helo, helo, $"The server rejected EHLO and HELO: {helo.Code} {helo.JoinedText}");
        }
    }

    private async Task TryQuitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WriteAsync(Encoding.ASCII.GetBytes("QUIT\r\n"), SmtpClientStage.Quit, _options.QuitTimeout, cancellationToken);
            await ReadReplyAsync(SmtpClientStage.Quit, _options.QuitTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or TimeoutException or SmtpClientException or ObjectDisposedException)
        {
            Log.QuitReplyMissing(_logger, SessionId, exception);
        }
    }

    /// <summary>Sends one command line and reads its reply.</summary>
    private async Task<SmtpReply> CommandAsync(string command, SmtpClientStage stage, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), stage, timeout, cancellationToken);
        return await ReadReplyAsync(stage, timeout, cancellationToken);
    }

    /// <summary>Reads one reply; a timeout becomes <see cref="TimeoutException"/>.</summary>
    private async Task<SmtpReply> ReadReplyAsync(SmtpClientStage stage, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await _reader.ReadAsync(stage, linked.Token);
        }
        catch (OperationCanceledException exception) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No reply from the server within {timeout} during {stage}.", exception);
        }
    }

    /// <summary>Writes and flushes octets; a timeout becomes <see cref="TimeoutException"/>.</summary>
    private async Task WriteAsync(ReadOnlyMemory<byte> data, SmtpClientStage stage, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _transport.WriteAsync(data, linked.Token);
            await _transport.FlushAsync(linked.Token);
        }
        catch (OperationCanceledException exception) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Sending to the server took longer than {timeout} during {stage}.", exception);
        }
    }

    private void Enter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException($"Client session {SessionId} is already running an operation; run one at a time.");
        }

        if (_faulted)
        {
            Exit();
            throw new InvalidOperationException($"Client session {SessionId} is unusable after an earlier error or QUIT; open a new connection.");
        }
    }

    private void Exit() => Interlocked.Exchange(ref _busy, 0);
}
