using System.Text;
using Tern.Smtp.Tests.Infrastructure;

namespace Tern.Smtp.Tests.Client;

/// <summary>
/// A fake SMTP server for client tests: the test's script sends canned replies and reads the client's
/// lines on the server end of an in-memory connection.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly Stream _server;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private ScriptedServer(Func<ScriptedServer, Task> script)
    {
        var (client, server) = DuplexPipeStream.CreatePair();
        ClientStream = new RecordingStream(client);
        _server = server;
        Completion = Task.Run(() => script(this));
    }

    /// <summary>The client end of the connection, which records what the client writes.</summary>
    public RecordingStream ClientStream { get; }

    /// <summary>The running script; awaiting it surfaces its failed assertions.</summary>
    public Task Completion { get; }

    /// <summary>The lines the client sent, in order, without CRLF.</summary>
    public List<string> Received { get; } = [];

    public static ScriptedServer Start(Func<ScriptedServer, Task> script) => new(script);

    /// <summary>Sends text exactly as given, in one write.</summary>
    public async Task SendAsync(string text)
    {
        await _server.WriteAsync(Encoding.UTF8.GetBytes(text));
        await _server.FlushAsync();
    }

    /// <summary>Reads one line from the client, without CRLF; null at the end of the stream.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (index >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, index);
                _start += index + 2;
                Received.Add(line);
                return line;
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            var read = await _server.ReadAsync(_buffer.AsMemory(_end), timeout.Token);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    /// <summary>Reads a line and checks that it starts with <paramref name="expected"/>.</summary>
    public async Task ExpectAsync(string expected)
    {
        var line = await ReadLineAsync();
        Assert.NotNull(line);
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
    }

    /// <summary>Sends the greeting and replies to EHLO with the given extension lines.</summary>
    public async Task GreetAsync(params string[] extensions)
    {
        await SendAsync("220 fake.example.net ESMTP\r\n");
        await ExpectAsync("EHLO client.example.org");
        var reply = new StringBuilder();
        string[] lines = ["fake.example.net", .. extensions];
        for (var i = 0; i < lines.Length; i++)
        {
            reply.Append(i == lines.Length - 1 ? "250 " : "250-").Append(lines[i]).Append("\r\n");
        }

        await SendAsync(reply.ToString());
    }

    /// <summary>Returns true when the client closes the connection without sending anything more.</summary>
    public async Task<bool> ReadEndOfStreamAsync() => _start == _end && await ReadLineAsync() is null;

    /// <summary>Closes the server end, as a server does when it drops the connection.</summary>
    public ValueTask CloseAsync() => _server.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        await ClientStream.DisposeAsync();
        await _server.DisposeAsync();
    }
}
