using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Microsoft.Extensions.Time.Testing;
using Tern.Smtp.Client;
using Tern.Smtp.Server;
using Tern.Smtp.Tests.Infrastructure;

namespace Tern.Smtp.Tests.Client;

/// <summary>
/// Runs Tern's own server session on one end of an in-memory connection, with a
/// <see cref="MemoryMessageHandler"/>, and gives the client end as a <see cref="RecordingStream"/>.
/// </summary>
internal sealed class ServerPair : IAsyncDisposable
{
    private static readonly IPEndPoint ClientEndPoint = new(IPAddress.Parse("192.0.2.20"), 40001);
    private static readonly IPEndPoint ServerEndPoint = new(IPAddress.Parse("198.51.100.2"), 25);

    private ServerPair(SmtpServerOptions options)
    {
        var (client, server) = DuplexPipeStream.CreatePair();
        ClientStream = new RecordingStream(client);
        var session = new SmtpServerSession(options, Handler, Logger);
        var context = new SmtpSessionContext(SmtpServerSession.CreateSessionId(), ClientEndPoint, ServerEndPoint, options.Mode);
        Run = Task.Run(() => session.RunAsync(server, context, CancellationToken.None));
    }

    public MemoryMessageHandler Handler { get; } = new();

    public TestLogger Logger { get; } = new();

    /// <summary>The client end; it records every octet the client writes, below any TLS.</summary>
    public RecordingStream ClientStream { get; }

    public Task Run { get; }

    /// <summary>The client options for tests: real time, because the server's fake clock never moves.</summary>
    public static SmtpClientOptions ClientOptions(bool useChunking = false) => new()
    {
        HeloName = "client.example.org",
        UseChunking = useChunking,
    };

    /// <summary>TLS settings that trust only the test certificate.</summary>
    public static SslClientAuthenticationOptions TlsOptions() => new()
    {
        TargetHost = "localhost",
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetCertHashString() == TestCertificates.Localhost.GetCertHashString(),
    };

    public static ServerPair Start(SmtpListenerMode mode = SmtpListenerMode.Mx, long maxMessageSize = SmtpServerOptions.DefaultMaxMessageSize) =>
        new(new SmtpServerOptions
        {
            HostName = "mx.example.net",
            Mode = mode,
            Certificate = TestCertificates.Localhost,
            MaxMessageSize = maxMessageSize,
            TimeProvider = new FakeTimeProvider(new DateTimeOffset(2025, 12, 4, 21, 15, 0, TimeSpan.Zero)),
        });

    /// <summary>Connects a client, with STARTTLS when <paramref name="tls"/> is set.</summary>
    public async Task<SmtpClientSession> ConnectAsync(bool tls, bool useChunking = false)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var session = await SmtpClientSession.ConnectAsync(ClientStream, ClientOptions(useChunking), timeout.Token);
        if (tls)
        {
            await session.StartTlsAsync(TlsOptions(), timeout.Token);
        }

        return session;
    }

    public async ValueTask DisposeAsync()
    {
        await ClientStream.DisposeAsync();
        await Run.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
