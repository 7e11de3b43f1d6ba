using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Tern.Dane.Check;

/// <summary>
/// Opens one TLS connection to a server, either at once (implicit TLS) or after SMTP STARTTLS
/// (RFC 3207), and records what the server presented. It authenticates nothing itself: every chain
/// is accepted so that the caller can match it against TLSA records and report what it found.
/// </summary>
public sealed class TlsProbe
{
    private readonly TimeSpan _connectTimeout;
    private readonly TimeSpan _replyTimeout;
    private readonly string? _heloName;

    /// <param name="connectTimeout">Maximum time for the TCP connection.</param>
    /// <param name="replyTimeout">Maximum time for each SMTP reply and for the TLS handshake.</param>
    /// <param name="heloName">The EHLO name; null sends the address literal of the local end (RFC 5321 section 4.1.3).</param>
    public TlsProbe(TimeSpan connectTimeout, TimeSpan replyTimeout, string? heloName = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(connectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(replyTimeout, TimeSpan.Zero);
        _connectTimeout = connectTimeout;
        _replyTimeout = replyTimeout;
        _heloName = heloName;
    }

    /// <summary>
    /// Connects, negotiates TLS with <paramref name="serverName"/> as SNI, and closes the connection
    /// (with QUIT after STARTTLS). Network and protocol errors are returned in
    /// <see cref="TlsProbeResult.Error"/>; only cancellation throws.
    /// </summary>
    public async Task<TlsProbeResult> ProbeAsync(IPEndPoint endPoint, string? serverName, bool startTls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(_connectTimeout);
            await socket.ConnectAsync(endPoint, connectTimeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TlsProbeResult.Failed(endPoint, serverName, $"connection to {endPoint} timed out after {Seconds(_connectTimeout)} s");
        }
        catch (SocketException ex)
        {
            return TlsProbeResult.Failed(endPoint, serverName, $"connection to {endPoint} failed: {ex.Message}");
        }

        await using var network = new NetworkStream(socket, ownsSocket: false);
        string? greeting = null;
        if (startTls)
        {
            var (error, greetingText) = await StartTlsAsync(network, socket, cancellationToken);
            greeting = greetingText;
            if (error is not null)
            {
                return TlsProbeResult.Failed(endPoint, serverName, error, greeting);
            }
        }

        return await HandshakeAsync(network, endPoint, serverName, startTls, greeting, cancellationToken);
    }

    /// <summary>Reads the greeting, sends EHLO and STARTTLS; returns an error or null when the server is ready for TLS.</summary>
    private async Task<(string? Error, string? Greeting)> StartTlsAsync(NetworkStream network, Socket socket, CancellationToken cancellationToken)
    {
        var reader = new SmtpReplyReader(network);
        string? greeting = null;
        try
        {
            var greetingReply = await ReadReplyAsync(reader, "the greeting", cancellationToken);
            greeting = greetingReply.ToString();
            if (greetingReply.Code != 220)
            {
                return ($"the server greeted with '{greeting}' instead of 220", greeting);
            }

            await WriteLineAsync(network, $"EHLO {_heloName ?? AddressLiteral(socket.LocalEndPoint)}", cancellationToken);
            var ehlo = await ReadReplyAsync(reader, "EHLO", cancellationToken);
            if (ehlo.Code != 250)
            {
                return ($"the server rejected EHLO: '{ehlo}'", greeting);
            }

            var offersStartTls = ehlo.Lines.Skip(1).Any(line => line.Length > 4 && line[4..].Split(' ')[0].Equals("STARTTLS", StringComparison.OrdinalIgnoreCase));
            if (!offersStartTls)
            {
                return ("the server does not offer STARTTLS in its EHLO reply", greeting);
            }

            await WriteLineAsync(network, "STARTTLS", cancellationToken);
            var ready = await ReadReplyAsync(reader, "STARTTLS", cancellationToken);
            if (ready.Code != 220)
            {
                return ($"the server rejected STARTTLS: '{ready}'", greeting);
            }

            // Bytes that arrive before the handshake could be injected by an attacker and would be read as
            // if they came through TLS; RFC 3207 section 4.2 has the client discard all it learned before TLS.
            if (reader.BufferedByteCount > 0)
            {
                return (string.Create(CultureInfo.InvariantCulture,
                    $"the server sent {reader.BufferedByteCount} bytes after its 220 reply to STARTTLS, before the TLS handshake; they were not used and the connection was abandoned"), greeting);
            }

            return (null, greeting);
        }
        catch (TimeoutException ex)
        {
            return (ex.Message, greeting);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or SocketException)
        {
            return ($"SMTP dialogue failed: {ex.Message}", greeting);
        }
    }

    private async Task<TlsProbeResult> HandshakeAsync(
        NetworkStream network, IPEndPoint endPoint, string? serverName, bool startTls, string? greeting, CancellationToken cancellationToken)
    {
        List<X509Certificate2> presented = [];
        var webPkiErrors = SslPolicyErrors.None;
        var options = new SslClientAuthenticationOptions
        {
            // An empty name sends no SNI, as for a server known only by its address.
            TargetHost = serverName ?? string.Empty,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,

            // A check tool contacts only the server under test: no AIA fetches of missing issuers, no CRL or OCSP.
            CertificateChainPolicy = new X509ChainPolicy
            {
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
            },
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                webPkiErrors = errors;
                if (certificate is not null)
                {
                    // SslStream disposes these certificates when the callback returns, so keep copies.
                    presented = [.. DaneCertificateValidator.GetPresentedChain(certificate, chain).Select(c => X509CertificateLoader.LoadCertificate(c.RawData))];
                }

                return true;
            },
        };

        await using var tls = new SslStream(network, leaveInnerStreamOpen: true);
        try
        {
            using var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            handshakeTimeout.CancelAfter(_replyTimeout);
            await tls.AuthenticateAsClientAsync(options, handshakeTimeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TlsProbeResult.Failed(endPoint, serverName, $"TLS handshake timed out after {Seconds(_replyTimeout)} s", greeting);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return TlsProbeResult.Failed(endPoint, serverName, $"TLS handshake failed: {ex.Message}", greeting);
        }

        var result = new TlsProbeResult
        {
            EndPoint = endPoint,
            ServerName = serverName,
            Greeting = greeting,
            Protocol = tls.SslProtocol,
            CipherSuite = tls.NegotiatedCipherSuite,
            PresentedChain = presented,
            WebPkiErrors = webPkiErrors,
        };
        await CloseAsync(tls, startTls, cancellationToken);
        return result;
    }

    // The result is complete at this point, so a server that misbehaves while closing changes nothing.
    private async Task CloseAsync(SslStream tls, bool startTls, CancellationToken cancellationToken)
    {
        try
        {
            if (startTls)
            {
                await WriteLineAsync(tls, "QUIT", cancellationToken);
                await ReadReplyAsync(new SmtpReplyReader(tls), "QUIT", cancellationToken);
            }

            await tls.ShutdownAsync();
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or TimeoutException or SocketException or InvalidOperationException)
        {
            // Errors while closing change nothing in the result.
        }
    }

    private async Task<SmtpProbeReply> ReadReplyAsync(SmtpReplyReader reader, string step, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_replyTimeout);
        try
        {
            return await reader.ReadReplyAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no reply to {step} within {Seconds(_replyTimeout)} s");
        }
    }

    private static async Task WriteLineAsync(Stream stream, string line, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    private static string AddressLiteral(EndPoint? local) => local is IPEndPoint { Address: var address }
        ? address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6 ? $"[IPv6:{address}]" : $"[{(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)}]"
        : "[127.0.0.1]";

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
