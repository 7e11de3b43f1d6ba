using System.Net;
using Microsoft.Extensions.Logging;

namespace Tern.Hosting;

/// <summary>Log messages of the hosting part: start, stop, listeners and connection limits. Event ids 6000-6999.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Tern starting: host name {HostName}, data directory {DataDirectory}")]
    public static partial void Starting(ILogger logger, string hostName, string dataDirectory);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "listening on {EndPoint} ({Mode})")]
    public static partial void Listening(ILogger logger, IPEndPoint endPoint, Tern.Smtp.Server.SmtpListenerMode mode);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "stop requested: no new connections; waiting up to {Seconds} s for {Open} open sessions")]
    public static partial void Stopping(ILogger logger, int seconds, int open);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Tern stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "{Open} sessions still open after {Seconds} s; closing them")]
    public static partial void SessionsAborted(ILogger logger, int open, int seconds);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "server certificate {Subject} (SHA-256 {Fingerprint}) from {File}{Generated}")]
    public static partial void CertificateLoaded(ILogger logger, string subject, string fingerprint, string file, string generated);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "connect from {Client} to {EndPoint} rejected: {Reason}")]
    public static partial void ConnectionRejected(ILogger logger, IPEndPoint client, IPEndPoint endPoint, string reason);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Error, Message = "accept on {EndPoint} failed")]
    public static partial void AcceptFailed(ILogger logger, IPEndPoint endPoint, Exception exception);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Error, Message = "session {SessionId} from {Client} ended with an unexpected error")]
    public static partial void SessionFailed(ILogger logger, string sessionId, IPEndPoint client, Exception exception);

    [LoggerMessage(EventId = 6020, Level = LogLevel.Error, Message = "queue runner stopped with an unexpected error")]
    public static partial void RunnerFailed(ILogger logger, Exception exception);
}
