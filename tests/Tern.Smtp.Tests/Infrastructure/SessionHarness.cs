using System.Net;
using Tern.Smtp.Server;

namespace Tern.Smtp.Tests.Infrastructure;

/// <summary>
/// Runs one server session over an in-memory connection, with a <see cref="MemoryMessageHandler"/>,
/// a <see cref="TestLogger"/> and a fake clock, and gives the test the client end.
/// </summary>
internal sealed class SessionHarness : IAsyncDisposable
{
    public static readonly IPEndPoint ClientEndPoint = new(IPAddress.Parse("192.0.2.10"), 40000);
    public static readonly IPEndPoint ServerEndPoint = new(IPAddress.Parse("198.51.100.1"), 25);

    private readonly CancellationTokenSource _shutdown = new();

    private SessionHarness(SmtpServerOptions options, MemoryMessageHandler handler, TimerTrackingTimeProvider time)
    {
        Options = options;
        Handler = handler;
        Time = time;
        var (client, server) = DuplexPipeStream.CreatePair();
        Client = new SmtpTestClient(client);
        Session = new SmtpServerSession(options, handler, Logger);
        Context = new SmtpSessionContext(SmtpServerSession.CreateSessionId(), ClientEndPoint, ServerEndPoint, options.Mode);
        Run = Task.Run(() => Session.RunAsync(server, Context, _shutdown.Token));
    }

    public SmtpServerOptions Options { get; }

    public MemoryMessageHandler Handler { get; }

    public TimerTrackingTimeProvider Time { get; }

    public TestLogger Logger { get; } = new();

    public SmtpServerSession Session { get; }

    /// <summary>The context the session updates as it goes.</summary>
    public SmtpSessionContext Context { get; }

    public SmtpTestClient Client { get; }

    /// <summary>The running session; it completes when the session ends.</summary>
    public Task Run { get; }

    /// <summary>Starts a session with the test certificate and the given limits.</summary>
    public static SessionHarness Start(
        SmtpListenerMode mode = SmtpListenerMode.Mx,
        bool withCertificate = true,
        long maxMessageSize = SmtpServerOptions.DefaultMaxMessageSize,
        int maxRecipients = SmtpServerOptions.DefaultMaxRecipients,
        MemoryMessageHandler? handler = null,
        int maxErrors = SmtpServerOptions.DefaultMaxErrors,
        int softErrorLimit = SmtpServerOptions.DefaultSoftErrorLimit)
    {
        var time = new TimerTrackingTimeProvider(new DateTimeOffset(2025, 12, 4, 21, 15, 0, TimeSpan.Zero));
        var options = new SmtpServerOptions
        {
            HostName = "mx.example.net",
            Mode = mode,
            Certificate = withCertificate ? TestCertificates.Localhost : null,
            MaxMessageSize = maxMessageSize,
            MaxRecipients = maxRecipients,
            MaxErrors = maxErrors,
            SoftErrorLimit = softErrorLimit,
            TimeProvider = time,
        };
        return new SessionHarness(options, handler ?? new MemoryMessageHandler(), time);
    }

    /// <summary>Reads the greeting and sends EHLO, then STARTTLS, the handshake and EHLO again when <paramref name="tls"/> is set.</summary>
    public async Task GreetAsync(bool tls = false, string name = "client.example.org")
    {
        Assert.Equal(220, (await Client.ReadReplyAsync()).Code);
        Assert.Equal(250, (await Client.CommandAsync("EHLO " + name)).Code);
        if (tls)
        {
            Assert.Equal(220, (await Client.CommandAsync("STARTTLS")).Code);
            await Client.StartTlsAsync();
            Assert.Equal(250, (await Client.CommandAsync("EHLO " + name)).Code);
        }
    }

    /// <summary>Asks the session to shut down, as the host does when it stops.</summary>
    public void RequestShutdown() => _shutdown.Cancel();

    /// <summary>Waits for the session to end; fails the test if it does not end within a few seconds.</summary>
    public async Task WaitForEndAsync() => await Run.WaitAsync(TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        try
        {
            await Run.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _shutdown.Dispose();
        }
    }
}
