using Microsoft.Extensions.Logging;
using Tern.Queue;

namespace Tern.Delivery;

/// <summary>Log messages of remote delivery; event ids 5100-5199, in Postfix's wording where Postfix has a message for the event.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information,
        Message = "{TrustLevel} TLS connection established to {Relay}: {Protocol} with cipher {CipherSuite}")]
    public static partial void TlsEstablished(ILogger logger, string trustLevel, string relay, string protocol, string cipherSuite);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning,
        Message = "connect to {Relay}: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string relay, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning,
        Message = "{QueueId}: skipped MX host {Host} for {Domain}: {Reason}")]
    public static partial void HostSkipped(ILogger logger, QueueId queueId, string host, string domain, string reason);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning,
        Message = "{Relay}: {Reason}")]
    public static partial void AttemptFailed(ILogger logger, string relay, string reason);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning,
        Message = "{Relay}: {Reason}; retrying in plaintext, since the TLS policy does not require TLS")]
    public static partial void TlsFallback(ILogger logger, string relay, string reason);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Information,
        Message = "{Relay}: the reused connection failed; opening a new one")]
    public static partial void PooledSessionFailed(ILogger logger, string relay);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Debug,
        Message = "{QueueId}: to=<{Recipient}>, relay={Relay}, delay={Delay:0.##}, dsn={Dsn}, status={Status} ({Reply})")]
    public static partial void RemoteResult(
        ILogger logger, QueueId queueId, string recipient, string relay, double delay, string dsn, string status, string reply);
}
