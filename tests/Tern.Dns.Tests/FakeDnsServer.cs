using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Tern.Dns.Tests;

/// <summary>
/// A DNS server on 127.0.0.1 for tests. <paramref name="udpHandler"/> builds each UDP response, or
/// returns null to drop the query. With a TCP handler it also answers DNS over TCP on the same port.
/// </summary>
internal sealed class FakeDnsServer : IAsyncDisposable
{
    private readonly UdpClient _udp;
    private readonly TcpListener? _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _udpLoop;
    private readonly Task _tcpLoop;
    private int _udpQueries;
    private int _tcpQueries;

    public FakeDnsServer(Func<DnsQuery, byte[]?> udpHandler, Func<DnsQuery, byte[]>? tcpHandler = null)
    {
        _udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_udp.Client.LocalEndPoint!;
        if (tcpHandler is not null)
        {
            _tcp = new TcpListener(EndPoint);
            _tcp.Start();
        }

        _udpLoop = Task.Run(() => ServeUdpAsync(udpHandler));
        _tcpLoop = tcpHandler is null ? Task.CompletedTask : Task.Run(() => ServeTcpAsync(tcpHandler));
    }

    public IPEndPoint EndPoint { get; }

    public int UdpQueries => Volatile.Read(ref _udpQueries);

    public int TcpQueries => Volatile.Read(ref _tcpQueries);

    public List<DnsQuery> Received { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        _tcp?.Stop();
        await Task.WhenAll(_udpLoop, _tcpLoop).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task ServeUdpAsync(Func<DnsQuery, byte[]?> handler)
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _udpQueries);
            var query = DnsMessage.ParseQuery(received.Buffer);
            lock (Received)
            {
                Received.Add(query);
            }

            if (handler(query) is { } response)
            {
                await _udp.SendAsync(response, received.RemoteEndPoint, _stop.Token);
            }
        }
    }

    // DNS over TCP prefixes each message with its length in two bytes (RFC 1035 section 4.2.2).
    private async Task ServeTcpAsync(Func<DnsQuery, byte[]> handler)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var client = await _tcp!.AcceptTcpClientAsync(_stop.Token);
                var stream = client.GetStream();
                var lengthBytes = new byte[2];
                await stream.ReadExactlyAsync(lengthBytes, _stop.Token);
                var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(lengthBytes)];
                await stream.ReadExactlyAsync(message, _stop.Token);
                Interlocked.Increment(ref _tcpQueries);

                var response = handler(DnsMessage.ParseQuery(message));
                BinaryPrimitives.WriteUInt16BigEndian(lengthBytes, (ushort)response.Length);
                await stream.WriteAsync(lengthBytes, _stop.Token);
                await stream.WriteAsync(response, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}
