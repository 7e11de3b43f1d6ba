using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Tern.IntegrationTests.Infrastructure;

/// <summary>
/// A raw SMTP client for tests that must control every byte on the wire: it writes exactly what it is
/// given and reads replies line by line, so a test can see a reply that should never come.
/// </summary>
internal sealed class SmtpWire : IAsyncDisposable
{
    private readonly TcpClient _client;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private SmtpWire(TcpClient client, Stream stream)
    {
        _client = client;
        _stream = stream;
    }

    public static async Task<SmtpWire> ConnectAsync(string address, int port, bool implicitTls = false)
    {
        var client = new TcpClient();
        await client.ConnectAsync(address, port);
        var wire = new SmtpWire(client, client.GetStream());
        if (implicitTls)
        {
            await wire.HandshakeAsync();
        }

        return wire;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Reads one complete reply (all its lines); throws on timeout or end of stream.</summary>
    public async Task<SmtpWireReply> ReadReplyAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(cts.Token) ?? throw new EndOfStreamException($"connection closed after {string.Join(" | ", lines)}");
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return new SmtpWireReply(int.Parse(line.AsSpan(0, 3), provider: null), lines);
            }
        }
    }

    /// <summary>Returns true when nothing arrives within <paramref name="wait"/> (the connection may stay open).</summary>
    public async Task<bool> NothingArrivesAsync(TimeSpan wait)
    {
        if (_start < _end)
        {
            return false;
        }

        using var cts = new CancellationTokenSource(wait);
        try
        {
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cts.Token);
            _end += read;
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>Sends a command and reads its reply.</summary>
    public async Task<SmtpWireReply> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Starts TLS on the current connection, accepting any server certificate.</summary>
    public async Task HandshakeAsync()
    {
        // Bytes the server sent before the handshake would be a protocol violation; fail loudly.
        if (_start < _end)
        {
            throw new InvalidOperationException("unread plaintext bytes before the TLS handshake");
        }

        // The tests check the session, not the server's identity: any presented certificate will do,
        // and it is kept for tests that look at it.
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false, (_, certificate, _, _) => certificate is not null);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        });
        _stream = ssl;
    }

    public SslStream? Tls => _stream as SslStream;

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var index = span.IndexOf("\r\n"u8);
            if (index >= 0)
            {
                var line = Encoding.UTF8.GetString(span[..index]);
                _start += index + 2;
                return line;
            }

            if (_start > 0)
            {
                span.CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }
}

/// <summary>One SMTP reply as read from the wire.</summary>
internal sealed record SmtpWireReply(int Code, IReadOnlyList<string> Lines)
{
    public string Text => string.Join("\n", Lines);

    public override string ToString() => Text;
}
