using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tern.LoadGenerator;

/// <summary>
/// The client end of one SMTP connection over a plain socket and, after STARTTLS, an <see cref="SslStream"/>.
/// Every step, from sending a command or the message data to reading the complete reply, is bounded by
/// the reply timeout and raises <see cref="TimeoutException"/> when it passes.
/// </summary>
internal sealed class SmtpClientConnection : IAsyncDisposable
{
    // RFC 5321 section 4.5.3.1.5 limits a reply line to 512 octets. This reader accepts longer lines from
    // lenient servers, up to a bound that keeps the buffer small.
    private const int MaxLineLength = 4096;
    private const int MaxReplyLines = 100;

    private readonly Socket _socket;
    private readonly TimeSpan _replyTimeout;
    private readonly byte[] _buffer = new byte[2 * MaxLineLength];
    private Stream _stream;
    private int _start;
    private int _end;

    private SmtpClientConnection(Socket socket, TimeSpan replyTimeout)
    {
        _socket = socket;
        _replyTimeout = replyTimeout;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>The TLS protocol and cipher suite after STARTTLS, for example "Tls13 TLS_AES_256_GCM_SHA384", or null before it.</summary>
    public string? TlsDescription { get; private set; }

    /// <summary>
    /// The EHLO argument: the address literal of this end of the connection, which RFC 5321 section 4.1.4
    /// allows when the client has no meaningful host name.
    /// </summary>
    public string EhloDomain
    {
        get
        {
            var address = ((IPEndPoint)_socket.LocalEndPoint!).Address;
            return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[IPv6:{address}]" : $"[{address}]";
        }
    }

    /// <summary>Connects within <paramref name="connectTimeout"/>, or raises <see cref="TimeoutException"/> or <see cref="IOException"/>.</summary>
    public static async Task<SmtpClientConnection> OpenAsync(IPEndPoint server, TimeSpan connectTimeout, TimeSpan replyTimeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
        {
            // Commands and replies are small and strictly alternate, so Nagle's algorithm would only add delay.
            NoDelay = true,
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(connectTimeout);
        try
        {
            await socket.ConnectAsync(server, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"connecting to {server} timed out after {connectTimeout.TotalSeconds:0.#} s"));
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"connecting to {server} failed: {ex.Message}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new SmtpClientConnection(socket, replyTimeout);
    }

    /// <summary>Reads the server greeting, the one reply that follows no command.</summary>
    public async Task<ServerReply> ReadGreetingAsync(CancellationToken cancellationToken)
    {
        using var timeout = StartTimeout(cancellationToken);
        try
        {
            return await ReadReplyAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut("the greeting");
        }
    }

    /// <summary>Sends one command line, without its CRLF, and reads the reply.</summary>
    public async Task<ServerReply> SendCommandAsync(string command, CancellationToken cancellationToken)
    {
        using var timeout = StartTimeout(cancellationToken);
        try
        {
            await _stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), timeout.Token);
            return await ReadReplyAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut($"the reply to {VerbOf(command)}");
        }
    }

    /// <summary>Sends the message data in two parts, the second ending with the "." line, and reads the reply after it.</summary>
    public async Task<ServerReply> SendDataAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> rest, CancellationToken cancellationToken)
    {
        using var timeout = StartTimeout(cancellationToken);
        try
        {
            await _stream.WriteAsync(header, timeout.Token);
            await _stream.WriteAsync(rest, timeout.Token);
            return await ReadReplyAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut("the reply to the message data");
        }
    }

    /// <summary>
    /// Sends STARTTLS and, after a 220 reply, runs the TLS handshake. Returns the reply, so the caller can
    /// tell a rejected STARTTLS from an accepted one. Raises <see cref="AuthenticationException"/> when the
    /// handshake fails.
    /// </summary>
    public async Task<ServerReply> StartTlsAsync(CancellationToken cancellationToken)
    {
        var reply = await SendCommandAsync("STARTTLS", cancellationToken);
        if (reply.Code != 220)
        {
            return reply;
        }

        // RFC 3207 section 4.2: the client discards what it learned before TLS. Bytes already buffered
        // after the 220 came in plaintext and could have been injected, so they fail the connection
        // instead of being read later as replies inside TLS.
        if (_end > _start)
        {
            throw new SmtpProtocolException(string.Create(CultureInfo.InvariantCulture, $"the server sent {_end - _start} octets after its 220 reply to STARTTLS, before the TLS handshake"));
        }

        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = ((IPEndPoint)_socket.RemoteEndPoint!).Address.ToString(),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,

            // Deliberately accepts any server certificate: the servers under test run on loopback with
            // self-signed certificates that no client could verify, and this tool measures throughput,
            // not authentication. A client that sends real mail must never do this.
#pragma warning disable CA5359 // Accepting every certificate is the intent here, as explained above.
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
        };

        using var timeout = StartTimeout(cancellationToken);
        try
        {
            await tls.AuthenticateAsClientAsync(options, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await tls.DisposeAsync();
            throw TimedOut("the TLS handshake");
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }

        _stream = tls;
        TlsDescription = $"{tls.SslProtocol} {tls.NegotiatedCipherSuite}";
        return reply;
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    private static string VerbOf(string command)
    {
        var end = command.IndexOfAny([' ', ':']);
        return end < 0 ? command : command[..end];
    }

    private CancellationTokenSource StartTimeout(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_replyTimeout);
        return timeout;
    }

    private TimeoutException TimedOut(string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"timed out after {_replyTimeout.TotalSeconds:0.#} s waiting for {what}"));

    // RFC 5321 section 4.2.1: every line of a multiline reply is "code-text" except the last, "code text".
    private async Task<ServerReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var code = -1;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2])
                || (line.Length > 3 && line[3] is not (' ' or '-')))
            {
                throw new SmtpProtocolException($"invalid reply line '{Truncate(line)}': it does not start with a three-digit code");
            }

            var lineCode = int.Parse(line.AsSpan(0, 3), CultureInfo.InvariantCulture);
            if (code >= 0 && lineCode != code)
            {
                throw new SmtpProtocolException(string.Create(CultureInfo.InvariantCulture, $"invalid multiline reply: code {lineCode} follows {code}"));
            }

            code = lineCode;
            lines.Add(line.Length > 4 ? line[4..] : string.Empty);
            if (line.Length == 3 || line[3] == ' ')
            {
                return new ServerReply(code, lines);
            }

            if (lines.Count >= MaxReplyLines)
            {
                throw new SmtpProtocolException(string.Create(CultureInfo.InvariantCulture, $"reply with code {code} has more than {MaxReplyLines} lines"));
            }
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var lineEnd = newline > _start && _buffer[newline - 1] == '\r' ? newline - 1 : newline;
                var line = Encoding.Latin1.GetString(_buffer, _start, lineEnd - _start);
                _start = newline + 1;
                return line;
            }

            if (_end - _start > MaxLineLength)
            {
                throw new SmtpProtocolException(string.Create(CultureInfo.InvariantCulture, $"reply line longer than {MaxLineLength} octets"));
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                throw new SmtpProtocolException("the server closed the connection");
            }

            _end += read;
        }
    }

    private static string Truncate(string line) => line.Length <= 80 ? line : line[..80] + "...";
}
