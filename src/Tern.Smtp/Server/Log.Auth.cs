using System.Net;
using Microsoft.Extensions.Logging;

namespace Tern.Smtp;

/// <summary>Log messages of SMTP AUTH and the sender check. Passwords and SASL responses are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1020, Level = LogLevel.Information,
        Message = "Session {SessionId} from {RemoteEndPoint}: authenticated as {UserName} with {Mechanism}")]
    public static partial void AuthSucceeded(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, string userName, string mechanism);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning,
        Message = "Session {SessionId} from {RemoteEndPoint}: authentication failed for {UserName} with {Mechanism} ({FailureCount} in this session)")]
    public static partial void AuthFailed(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, string userName, string mechanism, int failureCount);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Warning,
        Message = "Session {SessionId} from {RemoteEndPoint}: too many failed authentications ({FailureCount} in this session); replied 421 and closing")]
    public static partial void TooManyAuthFailures(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, int failureCount);

    [LoggerMessage(EventId = 1023, Level = LogLevel.Error,
        Message = "Session {SessionId} from {RemoteEndPoint}: checking the credentials of {UserName} failed; replied 454")]
    public static partial void AuthenticatorFailed(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, string userName, Exception exception);

    [LoggerMessage(EventId = 1024, Level = LogLevel.Error,
        Message = "Session {SessionId} from {RemoteEndPoint}: checking sender <{Sender}> failed; replied 451")]
    public static partial void SenderCheckFailed(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, string sender, Exception exception);
}
