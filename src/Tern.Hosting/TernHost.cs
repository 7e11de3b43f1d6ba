using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Tern.Delivery.Bounces;
using Tern.Delivery.Local;
using Tern.Delivery.Remote;
using Tern.Delivery.Routing;
using Tern.Dns;
using Tern.Hosting.Auth;
using Tern.Hosting.Configuration;
using Tern.Hosting.Smtp;
using Tern.Hosting.Tls;
using Tern.Queue;
using Tern.Smtp.Server;

namespace Tern.Hosting;

/// <summary>
/// The running MTA: the queue, the queue runner with local delivery, and the SMTP listeners.
/// <see cref="RunAsync"/> returns after a stop request once open sessions have finished or the
/// shutdown bound has passed.
/// </summary>
public sealed class TernHost
{
    private readonly TernOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public TernHost(TernOptions options, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null)
    {
        _options = options;
        _loggerFactory = loggerFactory;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory.CreateLogger<TernHost>();
    }

    /// <summary>
    /// Runs until <paramref name="stop"/> fires. Throws <see cref="StartupException"/> when the data
    /// directory, the certificate or a listening address cannot be used.
    /// </summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var hostName = _options.HostName!;
        var dataDirectory = Path.GetFullPath(_options.DataDirectory);
        Log.Starting(_logger, hostName, dataDirectory);

        try
        {
            Directory.CreateDirectory(dataDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"DataDirectory: cannot create '{dataDirectory}': {ex.Message}", ex);
        }

        var certificate = CertificateLoader.Load(_options.Tls, dataDirectory, hostName, _timeProvider);
        var fingerprint = certificate.Certificate.GetCertHashString(HashAlgorithmName.SHA256);
        var origin = certificate.Generated ? " (generated now)" : string.Empty;
        Log.CertificateLoaded(_logger, certificate.Certificate.Subject, fingerprint, certificate.SourceFile, origin);

        FileQueueStore store;
        try
        {
            store = FileQueueStore.Open(dataDirectory, _loggerFactory.CreateLogger<FileQueueStore>(), _timeProvider);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"DataDirectory: cannot open the queue in '{dataDirectory}': {ex.Message}", ex);
        }

        using var storeLifetime = store;
        var local = new LocalDeliveryAgent(CreateLocalDeliveryOptions(dataDirectory), _loggerFactory, _timeProvider);
        var resolver = new DnsClientResolver(CreateDnsOptions(), _loggerFactory.CreateLogger<DnsClientResolver>(), _timeProvider);
        await using var remote = new RemoteDeliveryAgent(CreateRemoteDeliveryOptions(), resolver, _loggerFactory, _timeProvider);
        var agent = new RoutingDeliveryAgent(_options.LocalDomains.Keys, local, remote);
        var bounces = new BounceNotifier(store, hostName, _timeProvider, _loggerFactory);
        using var runner = new QueueRunner(store, agent, CreateQueueRunnerOptions(), _timeProvider, _loggerFactory.CreateLogger<QueueRunner>(), bounces);

        using var flushSignal = new QueueFlushSignal(dataDirectory, runner.Notify);
        var users = OpenUserStore(dataDirectory);
        using var authenticator = new UserStoreAuthenticator(users, _loggerFactory.CreateLogger<UserStoreAuthenticator>());
        var authFailures = CreateFailureTracker();
        var policy = new LocalRecipientPolicy(_options, users);
        var handler = new QueueingMessageHandler(store, policy, runner.Notify, _timeProvider);
        var limiter = new ConnectionLimiter(_options.Limits.MaxConnections, _options.Limits.MaxConnectionsPerClient);

        var listeners = new List<SmtpListener>();
        try
        {
            foreach (var listener in _options.Listeners)
            {
                var endPoint = new IPEndPoint(IPAddress.Parse(listener.Address), listener.Port);
                var smtp = new SmtpListener(endPoint, CreateSessionOptions(listener.Mode, certificate, authenticator, authFailures), handler, limiter, _loggerFactory);
                listeners.Add(smtp);
                try
                {
                    smtp.Bind();
                }
                catch (SocketException ex)
                {
                    throw new StartupException($"Listeners: cannot listen on {endPoint}: {ex.Message}; choose another address or port, or stop what uses it", ex);
                }
            }

            using var runnerStop = new CancellationTokenSource();
            var runnerTask = RunRunnerAsync(runner, runnerStop.Token);

            using var sessionsStop = new CancellationTokenSource();
            var accepting = listeners.Select(listener => listener.AcceptAsync(stop, sessionsStop.Token)).ToArray();
            await Task.WhenAll(accepting);

            // Stop requested, so the sockets are closed. Each session finishes the message it is
            // receiving, then replies 421 to the next command.
            var bound = TimeSpan.FromSeconds(_options.Timeouts.ShutdownSeconds);
            Log.Stopping(_logger, _options.Timeouts.ShutdownSeconds, limiter.Open);
            await sessionsStop.CancelAsync();
            var finished = await Task.WhenAll(listeners.Select(listener => listener.WaitForSessionsAsync(bound)));
            if (finished.Any(done => !done))
            {
                // Leaving now loses no accepted message, because the session replies 250 only after
                // IIncomingMessage.CommitAsync has synced the message to disk.
                Log.SessionsAborted(_logger, limiter.Open, _options.Timeouts.ShutdownSeconds);
            }

            await runnerStop.CancelAsync();
            await runnerTask;
        }
        finally
        {
            foreach (var listener in listeners)
            {
                await listener.DisposeAsync();
            }
        }

        Log.Stopped(_logger);
    }

    private async Task RunRunnerAsync(QueueRunner runner, CancellationToken stop)
    {
        try
        {
            await runner.RunAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Normal stop.
        }
        catch (Exception ex)
        {
            // The listeners keep accepting into the durable queue; a restart delivers what is waiting.
            Log.RunnerFailed(_logger, ex);
        }
    }

    // Reads the users file once now, so that an invalid file stops the start with a message rather than
    // failing every login later.
    private UserStore OpenUserStore(string dataDirectory)
    {
        var users = new UserStore(_options.Auth.GetUsersFilePath(dataDirectory), _loggerFactory.CreateLogger<UserStore>());
        try
        {
            users.Find(string.Empty);
        }
        catch (UserStoreException ex)
        {
            throw new StartupException($"Auth:UsersFile: {ex.Message}", ex);
        }

        return users;
    }

    private AuthenticationFailureTracker CreateFailureTracker()
    {
        var auth = _options.Auth;
        return new AuthenticationFailureTracker(
            _timeProvider,
            auth.MaxFailuresPerClient,
            TimeSpan.FromMinutes(auth.FailureWindowMinutes),
            TimeSpan.FromMilliseconds(auth.FailureDelayMilliseconds),
            TimeSpan.FromMilliseconds(auth.MaxFailureDelayMilliseconds));
    }

    // The session offers AUTH only on Submission and ImplicitTls listeners; an MX never takes logins.
    private SmtpServerOptions CreateSessionOptions(ListenerMode mode, ServerCertificate certificate, ISmtpAuthenticator authenticator, AuthenticationFailureTracker authFailures) => new()
    {
        HostName = _options.HostName!,
        Mode = mode switch
        {
            ListenerMode.Submission => SmtpListenerMode.Submission,
            ListenerMode.ImplicitTls => SmtpListenerMode.ImplicitTls,
            _ => SmtpListenerMode.Mx,
        },
        Certificate = certificate.Certificate,
        IntermediateCertificates = certificate.Intermediates,
        MaxMessageSize = _options.Limits.MaxMessageSize,
        MaxRecipients = _options.Limits.MaxRecipients,
        MaxErrors = _options.Limits.MaxErrors,
        SoftErrorLimit = Math.Min(SmtpServerOptions.DefaultSoftErrorLimit, _options.Limits.MaxErrors),
        CommandTimeout = TimeSpan.FromSeconds(_options.Timeouts.CommandSeconds),
        DataTimeout = TimeSpan.FromSeconds(_options.Timeouts.DataSeconds),
        Authenticator = mode == ListenerMode.Mx ? null : authenticator,
        AuthenticationFailures = authFailures,
        MaxAuthenticationFailures = _options.Auth.MaxFailuresPerSession,
        TimeProvider = _timeProvider,
    };

    private DnsResolverOptions CreateDnsOptions()
    {
        var dns = _options.Dns;
        var options = new DnsResolverOptions { Timeout = TimeSpan.FromSeconds(dns.TimeoutSeconds) };

        // Without a configured resolver, a local validating resolver is assumed, as DANE deployments
        // with Postfix do: only a loopback resolver's AD bit is trusted without further configuration.
        var resolvers = dns.Resolvers.Count > 0 ? dns.Resolvers : ["127.0.0.1:53"];
        foreach (var resolver in resolvers)
        {
            var endPoint = IPEndPoint.Parse(resolver);
            options.NameServers.Add(endPoint.Port == 0 ? new IPEndPoint(endPoint.Address, 53) : endPoint);
        }

        foreach (var trusted in dns.TrustedResolvers)
        {
            options.TrustedNameServers.Add(IPAddress.Parse(trusted));
        }

        return options;
    }

    private RemoteDeliveryOptions CreateRemoteDeliveryOptions()
    {
        var delivery = _options.Delivery;
        var options = new RemoteDeliveryOptions
        {
            HeloName = _options.HostName!,
            Port = delivery.Port,
            DefaultTlsPolicy = delivery.TlsPolicy,
            ConnectTimeout = TimeSpan.FromSeconds(delivery.ConnectTimeoutSeconds),
        };

        foreach (var (domain, policy) in delivery.DomainTlsPolicies)
        {
            options.DomainTlsPolicies[domain] = policy;
        }

        // An MX host that resolves to one of these is this server: delivering there would loop (5.4.6).
        foreach (var listener in _options.Listeners)
        {
            options.LocalEndPoints.Add(new IPEndPoint(IPAddress.Parse(listener.Address), listener.Port));
        }

        return options;
    }

    private QueueRunnerOptions CreateQueueRunnerOptions()
    {
        var queue = _options.Queue;
        return new QueueRunnerOptions
        {
            PollInterval = TimeSpan.FromSeconds(queue.PollSeconds),
            MinimalBackoff = TimeSpan.FromSeconds(queue.MinimalBackoffSeconds),
            MaximalBackoff = TimeSpan.FromSeconds(queue.MaximalBackoffSeconds),
            MaximalQueueLifetime = TimeSpan.FromHours(queue.MaximalLifetimeHours),
            MaxConcurrentDeliveries = queue.MaxConcurrentDeliveries,
        };
    }

    private LocalDeliveryOptions CreateLocalDeliveryOptions(string dataDirectory)
    {
        var options = new LocalDeliveryOptions { MailDirectory = Path.Combine(dataDirectory, "mail") };
        foreach (var (domain, settings) in _options.LocalDomains)
        {
            options.Domains[domain] = settings.CatchAll ? LocalDomain.CatchAll() : LocalDomain.WithUsers(settings.Users);
        }

        return options;
    }
}
