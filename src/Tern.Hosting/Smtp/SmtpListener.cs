using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Tern.Smtp.Server;

namespace Tern.Hosting.Smtp;

/// <summary>
/// One listening socket: accepts connections, applies the connection limits and runs an SMTP server
/// session on each. Stopping closes the socket first, then lets the open sessions finish.
/// </summary>
internal sealed class SmtpListener : IAsyncDisposable
{
    private readonly IPEndPoint _endPoint;
    private readonly SmtpServerOptions _sessionOptions;
    private readonly SmtpServerSession _server;
    private readonly ConnectionLimiter _limiter;
    private readonly ILogger _logger;
    private readonly Socket _socket;
    private readonly Lock _sessionsLock = new();
    private readonly HashSet<Task> _sessions = [];

    public SmtpListener(IPEndPoint endPoint, SmtpServerOptions sessionOptions, ISmtpMessageHandler handler, ConnectionLimiter limiter, ILoggerFactory loggerFactory)
    {
        _endPoint = endPoint;
        _sessionOptions = sessionOptions;

        // One server object per listener keeps the TLS certificate context and serves every connection.
        _server = new SmtpServerSession(sessionOptions, handler, loggerFactory.CreateLogger<SmtpServerSession>());
        _limiter = limiter;
        _logger = loggerFactory.CreateLogger<SmtpListener>();
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
    }

    public IPEndPoint EndPoint => _endPoint;

    /// <summary>Binds the socket. Throws <see cref="SocketException"/> when the address is in use or not available.</summary>
    public void Bind()
    {
        // SO_REUSEADDR alone, so a restart can bind while old connections sit in TIME_WAIT. Not
        // SocketOptionName.ReuseAddress: on Linux .NET adds SO_REUSEPORT with it, which would let a
        // second Tern process share the port silently instead of failing with "address in use".
        if (OperatingSystem.IsLinux())
        {
            const int SolSocket = 1;
            const int SoReuseAddr = 2;
            _socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        }
        if (_endPoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _socket.DualMode = false;
        }

        _socket.Bind(_endPoint);
        _socket.Listen(512);
        Log.Listening(_logger, _endPoint, _sessionOptions.Mode);
    }

    /// <summary>
    /// Accepts connections until <paramref name="stopAccepting"/> fires. Sessions see
    /// <paramref name="stopSessions"/> and close at their next command boundary.
    /// </summary>
    public async Task AcceptAsync(CancellationToken stopAccepting, CancellationToken stopSessions)
    {
        using var registration = stopAccepting.Register(() => _socket.Close());
        while (!stopAccepting.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(stopAccepting);
            }
            catch (Exception ex) when (stopAccepting.IsCancellationRequested && ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // A client that reset before accept completes; the listener carries on.
                Log.AcceptFailed(_logger, _endPoint, ex);
                continue;
            }

            Track(RunSessionAsync(client, stopSessions));
        }
    }

    /// <summary>Waits for open sessions; returns false when some were still open at the deadline.</summary>
    public async Task<bool> WaitForSessionsAsync(TimeSpan timeout)
    {
        Task[] open;
        lock (_sessionsLock)
        {
            open = [.. _sessions];
        }

        var all = Task.WhenAll(open);
        var finished = await Task.WhenAny(all, Task.Delay(timeout));
        return finished == all;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Track(Task session)
    {
        lock (_sessionsLock)
        {
            _sessions.Add(session);
        }

        session.ContinueWith(
            finished =>
            {
                lock (_sessionsLock)
                {
                    _sessions.Remove(finished);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task RunSessionAsync(Socket client, CancellationToken stopSessions)
    {
        await Task.Yield();
        var remote = (IPEndPoint)client.RemoteEndPoint!;
        var local = (IPEndPoint)client.LocalEndPoint!;
        client.NoDelay = true;

        if (!_limiter.TryAcquire(remote.Address, out var rejection))
        {
            Log.ConnectionRejected(_logger, remote, local, rejection!);
            await RejectAsync(client, rejection!);
            return;
        }

        var sessionId = SmtpServerSession.CreateSessionId();
        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: true);
            var context = new SmtpSessionContext(sessionId, remote, local, _sessionOptions.Mode);
            await _server.RunAsync(stream, context, stopSessions);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the process is stopping; the session logged what it saw.
        }
        catch (Exception ex)
        {
            // One broken session must not take down the listener or other sessions.
            Log.SessionFailed(_logger, sessionId, remote, ex);
        }
        finally
        {
            _limiter.Release(remote.Address);
            client.Dispose();
        }
    }

    private async Task RejectAsync(Socket client, string reason)
    {
        // RFC 5321 section 3.1: a server may reply 421 instead of 220 to a new connection.
        var reply = Encoding.ASCII.GetBytes($"421 4.7.0 {_sessionOptions.HostName} Error: {reason}; try again later\r\n");
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.SendAsync(reply, SocketFlags.None, timeout.Token);
            client.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // The refused client is gone already.
        }
        finally
        {
            client.Dispose();
        }
    }
}
