using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tern.Delivery.Tests.Remote;

/// <summary>
/// A minimal SMTP server on a loopback address that sends canned replies, for the failures Tern's own
/// server never produces: a rejected greeting or MAIL, and a connection closed during STARTTLS.
/// It offers no PIPELINING, so the client sends one command at a time.
/// </summary>
internal sealed class ScriptedSmtpPeer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _acceptLoop;
    private int _connectionCount;

    public ScriptedSmtpPeer(IPAddress address, int port = 0)
    {
        _listener = new TcpListener(address, port);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Greeting { get; init; } = "220 peer.test.example ESMTP";

    public bool OfferStartTls { get; init; }

    /// <summary>The reply to MAIL; RCPT, DATA and the content are always accepted.</summary>
    public string MailReply { get; init; } = "250 2.1.0 Ok";

    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Every command line received, in order, across connections.</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_connections);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connectionCount);
            _connections.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await WriteAsync(stream, Greeting);
                if (!Greeting.StartsWith("220", StringComparison.Ordinal))
                {
                    return;
                }

                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    Commands.Enqueue(line);
                    var verb = line.Split(' ')[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await WriteAsync(stream, OfferStartTls ? "250-peer.test.example\r\n250-ENHANCEDSTATUSCODES\r\n250 STARTTLS" : "250-peer.test.example\r\n250 ENHANCEDSTATUSCODES");
                            break;
                        case "STARTTLS":
                            // Accept, then close instead of a handshake, so that the client's handshake fails.
                            await WriteAsync(stream, "220 2.0.0 Ready to start TLS");
                            return;
                        case "MAIL":
                            await WriteAsync(stream, MailReply);
                            break;
                        case "DATA":
                            await WriteAsync(stream, "354 End data with <CR><LF>.<CR><LF>");
                            while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".")
                            {
                            }

                            await WriteAsync(stream, "250 2.0.0 Ok: queued as PEER1");
                            break;
                        case "QUIT":
                            await WriteAsync(stream, "221 2.0.0 Bye");
                            return;
                        default:
                            await WriteAsync(stream, "250 2.0.0 Ok");
                            break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client closed the connection or the test ended.
            }
        }
    }

    private async Task WriteAsync(NetworkStream stream, string reply) =>
        await stream.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), _stop.Token);
}
