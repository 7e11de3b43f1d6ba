using Tern.Smtp.Server;

namespace Tern.Smtp.Tests.Infrastructure;

/// <summary>
/// Runs server sessions with SMTP AUTH over in-memory connections. Every session of one harness shares
/// the fake clock, the failure tracker and the authenticator, as the listeners of one server do.
/// </summary>
internal sealed class AuthSessionHarness
{
    public const string UserName = "alice@example.org";
    public const string Password = "correct horse";

    public AuthSessionHarness(
        SmtpListenerMode mode = SmtpListenerMode.Submission,
        TimeSpan? firstDelay = null,
        int maxFailuresPerClient = AuthenticationFailureTracker.DefaultMaxFailuresPerClient,
        int maxAuthenticationFailures = SmtpServerOptions.DefaultMaxAuthenticationFailures)
    {
        Time = new TimerTrackingTimeProvider(new DateTimeOffset(2025, 12, 4, 21, 15, 0, TimeSpan.Zero));
        var delay = firstDelay ?? TimeSpan.Zero;
        Tracker = new AuthenticationFailureTracker(Time, maxFailuresPerClient, TimeSpan.FromMinutes(15), delay, delay * 16);
        Options = new SmtpServerOptions
        {
            HostName = "mx.example.net",
            Mode = mode,
            Certificate = TestCertificates.Localhost,
            TimeProvider = Time,
            Authenticator = Authenticator,
            AuthenticationFailures = Tracker,
            MaxAuthenticationFailures = maxAuthenticationFailures,

            // Keeps the generic error delay out of these tests; failed logins have their own.
            SoftErrorLimit = 100,
            MaxErrors = 100,
        };
    }

    public TimerTrackingTimeProvider Time { get; }

    public AuthenticationFailureTracker Tracker { get; }

    public SmtpServerOptions Options { get; }

    public RecordingAuthenticator Authenticator { get; } = new();

    public SenderOwnerHandler Handler { get; } = new();

    public TestLogger Logger { get; } = new();

    /// <summary>Starts one session; implicit TLS runs the handshake before the greeting.</summary>
    public Connection Connect()
    {
        var (client, server) = DuplexPipeStream.CreatePair();
        var session = new SmtpServerSession(Options, Handler, Logger);
        var context = new SmtpSessionContext(SmtpServerSession.CreateSessionId(), SessionHarness.ClientEndPoint, SessionHarness.ServerEndPoint, Options.Mode);
        var run = Task.Run(() => session.RunAsync(server, context, CancellationToken.None));
        return new Connection(new SmtpTestClient(client), context, run);
    }

    /// <summary>Connects, reads the greeting and sends EHLO, and with <paramref name="tls"/> STARTTLS and EHLO again.</summary>
    public async Task<Connection> ConnectAndGreetAsync(bool tls = true)
    {
        var connection = Connect();
        if (Options.Mode == SmtpListenerMode.ImplicitTls)
        {
            await connection.Client.StartTlsAsync();
        }

        Assert.Equal(220, (await connection.Client.ReadReplyAsync()).Code);
        Assert.Equal(250, (await connection.Client.CommandAsync("EHLO client.example.org")).Code);
        if (tls && Options.Mode != SmtpListenerMode.ImplicitTls)
        {
            Assert.Equal(220, (await connection.Client.CommandAsync("STARTTLS")).Code);
            await connection.Client.StartTlsAsync();
            Assert.Equal(250, (await connection.Client.CommandAsync("EHLO client.example.org")).Code);
        }

        return connection;
    }

    /// <summary>Returns the base64 PLAIN message for <paramref name="user"/> and <paramref name="password"/>.</summary>
    public static string Plain(string user, string password, string authorizationId = "") =>
        Base64(authorizationId + "\0" + user + "\0" + password);

    public static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>One client connection and its running session.</summary>
    internal sealed class Connection(SmtpTestClient client, SmtpSessionContext context, Task run) : IAsyncDisposable
    {
        public SmtpTestClient Client => client;

        public SmtpSessionContext Context => context;

        public Task Run => run;

        public async ValueTask DisposeAsync()
        {
            await client.DisposeAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
