using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Tern.Smtp;
using Tern.Smtp.Server;

namespace Tern.Delivery.Tests.Remote;

/// <summary>
/// Tern's own SMTP server session on 127.0.0.1 with an ephemeral port, as the receiving MX in tests.
/// It records the received messages and every octet that clients sent before any TLS handshake.
/// </summary>
internal sealed class TestMailServer : IAsyncDisposable, ISmtpMessageHandler
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly SmtpServerSession _session;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly MemoryStream _plaintext = new();
    private readonly Lock _lock = new();
    private readonly Task _acceptLoop;
    private int _connectionCount;

    public TestMailServer(X509Certificate2? certificate = null, string hostName = "mx.test.example")
    {
        _session = new SmtpServerSession(new SmtpServerOptions { HostName = hostName, Certificate = certificate }, this);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Replies to RCPT by address; recipients not listed are accepted.</summary>
    public Dictionary<string, SmtpReply> RecipientReplies { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentQueue<(string? Sender, string[] Recipients, string Content)> Messages { get; } = new();

    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>What the clients sent before TLS started, or the ciphertext after, decoded as Latin-1.</summary>
    public string ReceivedOctets
    {
        get
        {
            lock (_lock)
            {
                return Encoding.Latin1.GetString(_plaintext.ToArray());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        await Task.WhenAll(_connections);
        _stop.Dispose();
    }

    public ValueTask<SmtpReply?> CheckRecipientAsync(SmtpSessionContext session, SmtpEnvelope envelope, Mailbox recipient, CancellationToken cancellationToken) =>
        ValueTask.FromResult(RecipientReplies.TryGetValue(recipient.Address, out var reply) ? reply : null);

    public ValueTask<IIncomingMessage> BeginMessageAsync(SmtpSessionContext session, SmtpEnvelope envelope, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IIncomingMessage>(new IncomingMessage(this, envelope));

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connectionCount);
            var context = new SmtpSessionContext(SmtpServerSession.CreateSessionId(), (IPEndPoint)socket.RemoteEndPoint!, (IPEndPoint)socket.LocalEndPoint!, SmtpListenerMode.Mx);
            var stream = new RecordingStream(new NetworkStream(socket, ownsSocket: true), this);
            _connections.Add(_session.RunAsync(stream, context, _stop.Token));
        }
    }

    private void Record(ReadOnlySpan<byte> octets)
    {
        lock (_lock)
        {
            _plaintext.Write(octets);
        }
    }

    private sealed class IncomingMessage(TestMailServer server, SmtpEnvelope envelope) : IIncomingMessage
    {
        public string Id { get; } = "TEST" + Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);

        public Stream Content { get; } = new MemoryStream();

        public ValueTask<string> CommitAsync(CancellationToken cancellationToken)
        {
            var content = Encoding.UTF8.GetString(((MemoryStream)Content).ToArray());
            server.Messages.Enqueue((envelope.ReversePath?.Address, [.. envelope.Recipients.Select(r => r.Mailbox.Address)], content));
            return ValueTask.FromResult(Id);
        }

        public ValueTask DisposeAsync() => Content.DisposeAsync();
    }

    /// <summary>Passes reads and writes through and copies every octet read to the server's record.</summary>
    private sealed class RecordingStream(Stream inner, TestMailServer server) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = await inner.ReadAsync(buffer, cancellationToken);
            server.Record(buffer.Span[..count]);
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            server.Record(buffer.AsSpan(offset, read));
            return read;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
