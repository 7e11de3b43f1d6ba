using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tern.IntegrationTests.Delivery;

/// <summary>
/// A TCP proxy between an SMTP client and an SMTP server that can tamper with STARTTLS. Until TLS starts
/// it relays one command and one reply at a time and records every plaintext command, so a test can
/// prove that no envelope left the client in the clear. After a 220 reply to STARTTLS it relays the
/// bytes both ways unchanged.
/// </summary>
internal sealed class StartTlsTamperingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _server;
    private readonly StartTlsTampering _tampering;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _plaintextCommands = new();
    private readonly List<Task> _sessions = [];
    private readonly Task _acceptLoop;
    private int _tlsSessions;

    private StartTlsTamperingProxy(IPAddress address, IPEndPoint server, StartTlsTampering tampering)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        _server = server;
        _tampering = tampering;
        _acceptLoop = AcceptAsync(_stop.Token);
    }

    /// <summary>The port the proxy listens on, chosen by the system.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every command line that a client sent before TLS started, in order.</summary>
    public IReadOnlyList<string> PlaintextCommands => [.. _plaintextCommands];

    /// <summary>How many connections switched to TLS after a 220 reply to STARTTLS.</summary>
    public int TlsSessions => Volatile.Read(ref _tlsSessions);

    /// <summary>Listens on <paramref name="address"/> with a free port and forwards each connection to <paramref name="server"/>.</summary>
    public static StartTlsTamperingProxy Start(IPAddress address, IPEndPoint server, StartTlsTampering tampering) =>
        new(address, server, tampering);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        Task[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }

        await Task.WhenAll(sessions);
        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_sessions)
            {
                _sessions.Add(RelayAsync(client, cancellationToken));
            }
        }
    }

    private async Task RelayAsync(TcpClient client, CancellationToken cancellationToken)
    {
        try
        {
            using (client)
            using (var server = new TcpClient())
            {
                await server.ConnectAsync(_server, cancellationToken);
                await RelaySessionAsync(client.GetStream(), server.GetStream(), cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Either side closed the connection, or the test ended.
        }
    }

    private async Task RelaySessionAsync(NetworkStream client, NetworkStream server, CancellationToken cancellationToken)
    {
        var fromClient = new LineReader(client);
        var fromServer = new LineReader(server);
        await RelayReplyAsync(fromServer, client, isEhloReply: false, cancellationToken);
        while (await fromClient.ReadLineAsync(cancellationToken) is { } command)
        {
            _plaintextCommands.Enqueue(command);
            var verb = command.Split(' ', 2)[0].ToUpperInvariant();
            if (verb == "STARTTLS" && _tampering == StartTlsTampering.RejectWith454)
            {
                await WriteLineAsync(client, "454 4.7.0 TLS not available", cancellationToken);
                continue;
            }

            await WriteLineAsync(server, command, cancellationToken);
            var reply = await RelayReplyAsync(fromServer, client, isEhloReply: verb == "EHLO", cancellationToken);
            if (verb == "STARTTLS" && reply.StartsWith("220", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _tlsSessions);
                await RelayBytesAsync(client, fromClient, server, fromServer, cancellationToken);
                return;
            }

            if (verb == "DATA" && reply.StartsWith("354", StringComparison.Ordinal))
            {
                // A client that sends its message in plaintext: relay the content up to the final dot.
                while (await fromClient.ReadLineAsync(cancellationToken) is { } line)
                {
                    await WriteLineAsync(server, line, cancellationToken);
                    if (line == ".")
                    {
                        break;
                    }
                }

                await RelayReplyAsync(fromServer, client, isEhloReply: false, cancellationToken);
            }

            if (verb == "QUIT")
            {
                return;
            }
        }
    }

    // Reads one complete reply from the server, changes it if needed and sends it to the client.
    // Returns its first line, or an empty string when the server closed the connection.
    private async Task<string> RelayReplyAsync(LineReader fromServer, NetworkStream client, bool isEhloReply, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (await fromServer.ReadLineAsync(cancellationToken) is { } line)
        {
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                break;
            }
        }

        if (isEhloReply && _tampering == StartTlsTampering.RemoveFromEhlo)
        {
            lines = RemoveStartTls(lines);
        }

        foreach (var line in lines)
        {
            await WriteLineAsync(client, line, cancellationToken);
        }

        return lines.Count > 0 ? lines[0] : string.Empty;
    }

    // Drops the STARTTLS keyword line and renumbers the separators, so that only the last line has
    // a space after the code (RFC 5321 section 4.2.1).
    private static List<string> RemoveStartTls(List<string> lines)
    {
        var kept = lines.Where(line => line.Length <= 4 || !line[4..].Trim().Equals("STARTTLS", StringComparison.OrdinalIgnoreCase)).ToList();
        for (var i = 0; i < kept.Count; i++)
        {
            var separator = i == kept.Count - 1 ? ' ' : '-';
            kept[i] = string.Concat(kept[i].AsSpan(0, 3), new string(separator, 1), kept[i].AsSpan(4));
        }

        return kept;
    }

    private static async Task RelayBytesAsync(NetworkStream client, LineReader fromClient, NetworkStream server, LineReader fromServer, CancellationToken cancellationToken)
    {
        await server.WriteAsync(fromClient.TakeBuffered(), cancellationToken);
        await client.WriteAsync(fromServer.TakeBuffered(), cancellationToken);
        using var finished = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var upstream = client.CopyToAsync(server, finished.Token);
        var downstream = server.CopyToAsync(client, finished.Token);
        await Task.WhenAny(upstream, downstream);
        await finished.CancelAsync();
        try
        {
            await Task.WhenAll(upstream, downstream);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The other direction ended when the first one did.
        }
    }

    private static async Task WriteLineAsync(NetworkStream stream, string line, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), cancellationToken);
    }

    /// <summary>Reads CRLF-terminated lines from a stream and keeps what it read past the last line.</summary>
    private sealed class LineReader(NetworkStream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        /// <summary>Returns the next line without its CRLF, or null at the end of the stream.</summary>
        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
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

                if (_end == _buffer.Length)
                {
                    throw new IOException("an SMTP line longer than 64 KiB");
                }

                var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
                if (read == 0)
                {
                    return null;
                }

                _end += read;
            }
        }

        /// <summary>Returns the bytes read but not yet returned as lines, and clears them from the buffer.</summary>
        public ReadOnlyMemory<byte> TakeBuffered()
        {
            var rest = _buffer.AsSpan(_start, _end - _start).ToArray();
            _start = _end = 0;
            return rest;
        }
    }
}
