using System.Net.Security;
using System.Security.Authentication;
using System.Text;

namespace Tern.Smtp.Tests.Infrastructure;

/// <summary>
/// The client end of a test session. It writes exactly the bytes it is given and reads replies line
/// by line without reading ahead, so nothing is consumed across a TLS handshake.
/// </summary>
internal sealed class SmtpTestClient : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    private readonly byte[] _buffer = new byte[64 * 1024];
    private Stream _stream;
    private int _start;
    private int _end;

    public SmtpTestClient(Stream stream)
    {
        _stream = stream;
    }

    public SslStream? Tls => _stream as SslStream;

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends one command line (CRLF added) and reads its reply.</summary>
    public async Task<TestReply> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Reads one complete reply; throws on timeout or end of stream.</summary>
    public async Task<TestReply> ReadReplyAsync()
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(timeout.Token)
                ?? throw new EndOfStreamException("The server closed the connection after: " + string.Join(" | ", lines));
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return new TestReply(int.Parse(line.AsSpan(0, 3), provider: null), lines);
            }
        }
    }

    /// <summary>Returns true when the server closes the connection with no further bytes.</summary>
    public async Task<bool> ReadEndOfStreamAsync()
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        if (_start < _end)
        {
            return false;
        }

        try
        {
            return await _stream.ReadAsync(_buffer.AsMemory(_end), timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Runs the client side of the TLS handshake, trusting only the test certificate.</summary>
    public async Task StartTlsAsync()
    {
        if (_start < _end)
        {
            throw new InvalidOperationException("The server sent plaintext bytes before the TLS handshake.");
        }

        var expected = TestCertificates.Localhost;
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false, (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == expected.GetCertHashString());
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            },
            timeout.Token);
        _stream = tls;
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (index >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, index);
                _start += index + 2;
                return line;
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
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

/// <summary>One reply as read from the wire; each line keeps its code.</summary>
internal sealed record TestReply(int Code, IReadOnlyList<string> Lines)
{
    /// <summary>The first line, such as "250 2.1.0 Ok".</summary>
    public string First => Lines[0];

    public override string ToString() => string.Join(" | ", Lines);
}
