using System.Globalization;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tern.Smtp.Server;

/// <summary>
/// Runs the server side of SMTP sessions (RFC 5321 with PIPELINING, SIZE, 8BITMIME, DSN, ENHANCEDSTATUSCODES,
/// SMTPUTF8, CHUNKING, STARTTLS and AUTH) over any <see cref="Stream"/>. One instance serves one listener:
/// it keeps the validated options and can run many connections at once, each in its own
/// <see cref="RunAsync"/> call.
/// </summary>
public sealed class SmtpServerSession
{
    /// <summary>Creates the session runner; throws <see cref="ArgumentException"/> for invalid options.</summary>
    public SmtpServerSession(SmtpServerOptions options, ISmtpMessageHandler handler, ILogger<SmtpServerSession>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();

        Options = options;
        Handler = handler;
        Logger = logger ?? (ILogger)NullLogger.Instance;

        // offline: true keeps chain building from fetching intermediate certificates over the network.
        CertificateContext = options.Certificate is null
            ? null
            : SslStreamCertificateContext.Create(options.Certificate, options.IntermediateCertificates, offline: true);

        // An MX takes mail from other servers, which do not log in, so it never offers AUTH.
        AuthOffered = options.Authenticator is not null && options.Mode != SmtpListenerMode.Mx;
        AuthenticationFailures = options.AuthenticationFailures ?? new AuthenticationFailureTracker(options.TimeProvider);

        var host = options.HostName;

        // In RFC 5321 the greeting (section 4.2) and the HELO and EHLO replies (section 4.1.1.1) start
        // with the host name, so they carry no enhanced status code in front of it.
        Greeting = new SmtpReply(220, null, host + " ESMTP ready");
        HeloReply = new SmtpReply(250, null, host);
        EhloBeforeTls = BuildEhloReply(offerStartTls: CertificateContext is not null, offerAuth: false);
        EhloAfterTls = BuildEhloReply(offerStartTls: false, offerAuth: AuthOffered);
        TimeoutReply = new SmtpReply(421, "4.4.2", host + " Error: timeout exceeded");
        ShutdownReply = new SmtpReply(421, "4.3.2", host + " Service shutting down");
        InvalidBdatSizeReply = new SmtpReply(421, "4.5.2", host + " Invalid BDAT chunk size; closing connection");
        TooManyErrorsReply = new SmtpReply(421, "4.7.0", host + " Error: too many errors");
        TooManyAuthFailuresReply = new SmtpReply(421, "4.7.0", host + " Error: too many failed authentications");
    }

    internal SmtpServerOptions Options { get; }

    internal ISmtpMessageHandler Handler { get; }

    internal ILogger Logger { get; }

    internal SslStreamCertificateContext? CertificateContext { get; }

    internal SmtpReply Greeting { get; }

    internal SmtpReply HeloReply { get; }

    internal SmtpReply EhloBeforeTls { get; }

    internal SmtpReply EhloAfterTls { get; }

    internal SmtpReply TimeoutReply { get; }

    internal SmtpReply ShutdownReply { get; }

    internal SmtpReply InvalidBdatSizeReply { get; }

    internal SmtpReply TooManyErrorsReply { get; }

    internal SmtpReply TooManyAuthFailuresReply { get; }

    /// <summary>True when the EHLO reply after TLS lists AUTH and the AUTH command is accepted.</summary>
    internal bool AuthOffered { get; }

    internal AuthenticationFailureTracker AuthenticationFailures { get; }

    /// <summary>
    /// Runs one session until the client quits, the connection fails, a timeout expires or
    /// <paramref name="cancellationToken"/> requests shutdown. The session owns <paramref name="stream"/>
    /// and disposes it before returning. Client errors and lost connections are logged, not thrown.
    /// </summary>
    /// <param name="stream">The connection: a NetworkStream in production, any duplex stream in tests.</param>
    /// <param name="context">
    /// A new context for this connection, whose mode must match <see cref="SmtpServerOptions.Mode"/>.
    /// The session updates it as the client greets, starts TLS and authenticates.
    /// </param>
    /// <param name="cancellationToken">
    /// Server shutdown. A session waiting for a command replies 421 4.3.2 at once. A session receiving a
    /// message finishes it first and replies 421 4.3.2 before the next command. The token is passed to
    /// <see cref="ISmtpMessageHandler.CheckRecipientAsync"/> and <see cref="ISmtpMessageHandler.BeginMessageAsync"/>,
    /// but not to the content writes or <see cref="IIncomingMessage.CommitAsync"/> of a message in progress.
    /// </param>
    public async Task RunAsync(Stream stream, SmtpSessionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Mode != Options.Mode)
        {
            throw new ArgumentException($"The context is for a {context.Mode} listener, but the options are for {Options.Mode}.", nameof(context));
        }

        if (context.HeloName is not null || context.IsTls)
        {
            throw new ArgumentException($"The context of session {context.SessionId} has been used before.", nameof(context));
        }

        await using var connection = new SmtpConnection(this, stream, context, cancellationToken);
        await connection.RunAsync();
    }

    /// <summary>Returns a new random session id: 12 lower-case hex digits.</summary>
    public static string CreateSessionId() => RandomNumberGenerator.GetHexString(12, lowercase: true);

    /// <summary>Returns new options for a TLS server handshake: TLS 1.2 and 1.3 only, no client certificate.</summary>
    internal SslServerAuthenticationOptions CreateTlsOptions() => new()
    {
        ServerCertificateContext = CertificateContext,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ClientCertificateRequired = false,
        CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
    };

    private SmtpReply BuildEhloReply(bool offerStartTls, bool offerAuth)
    {
        List<string> lines =
        [
            Options.HostName,
            "PIPELINING",
            "SIZE " + Options.MaxMessageSize.ToString(CultureInfo.InvariantCulture),
            "8BITMIME",

            // RFC 3461: the queue keeps NOTIFY, ORCPT, RET and ENVID, and delivery forwards them. DSN
            // parameters make MAIL and RCPT lines longer than the 512 octets of RFC 5321, so the session
            // accepts those two commands up to SmtpInputReader.MaxParameterCommandLineOctets.
            "DSN",
            "ENHANCEDSTATUSCODES",
            "SMTPUTF8",
            "CHUNKING",
        ];

        // RFC 3207 section 4.2: STARTTLS is not offered again once TLS is active.
        if (offerStartTls)
        {
            lines.Add("STARTTLS");
        }

        // RFC 4954 section 4: plaintext password mechanisms, which PLAIN and LOGIN both are, only inside TLS.
        if (offerAuth)
        {
            lines.Add("AUTH PLAIN LOGIN");
        }

        return new SmtpReply(250, null, lines);
    }
}
