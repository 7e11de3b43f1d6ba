using System.Net;
using Microsoft.Extensions.Logging;

namespace Tern.Smtp;

/// <summary>
/// Log messages of the SMTP part, event ids 1000 to 1999. Each session event names the session id and
/// the client address. Message content and command arguments are never logged.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information,
        Message = "Session {SessionId} from {RemoteEndPoint}: connected to {LocalEndPoint} ({Mode})")]
    public static partial void SessionStarted(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, IPEndPoint localEndPoint, Server.SmtpListenerMode mode);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
        Message = "Session {SessionId} from {RemoteEndPoint}: TLS established, {TlsProtocol} with cipher {CipherSuite}")]
    public static partial void TlsEstablished(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, string tlsProtocol, System.Net.Security.TlsCipherSuite cipherSuite);

    // Clients with broken TLS stacks and scanners fail handshakes all day, so this line carries no stack
    // trace: the exception goes to TlsHandshakeFailedDetail at Debug.
    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Session {SessionId} from {RemoteEndPoint}: TLS handshake failed: {Reason}; closing the connection")]
    public static partial void TlsHandshakeFailed(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "Session {SessionId} from {RemoteEndPoint}: discarded {ByteCount} octets that the client sent after STARTTLS and before the TLS handshake")]
    public static partial void StartTlsInputDiscarded(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, int byteCount);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information,
        Message = "Session {SessionId} from {RemoteEndPoint}: {Command} rejected: {ReplyCode} {EnhancedStatusCode} {ReplyText}")]
    public static partial void CommandRejected(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, string command, int replyCode, string? enhancedStatusCode, string replyText);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information,
        Message = "Session {SessionId} from {RemoteEndPoint}: message {QueueId} accepted from <{Sender}> for {RecipientCount} recipients, {Size} octets")]
    public static partial void MessageAccepted(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, string queueId, string sender, int recipientCount, long size);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information,
        Message = "Session {SessionId} from {RemoteEndPoint}: disconnected after {CommandCount} commands, {MessageCount} messages accepted, {RejectionCount} replies with errors")]
    public static partial void SessionEnded(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, int commandCount, int messageCount, int rejectionCount);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information,
        Message = "Session {SessionId} from {RemoteEndPoint}: timed out waiting for the client; replied 421")]
    public static partial void SessionTimedOut(ILogger logger, string sessionId, IPEndPoint remoteEndPoint);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Information,
        Message = "Session {SessionId} from {RemoteEndPoint}: server shutting down; replied 421")]
    public static partial void SessionShutDown(ILogger logger, string sessionId, IPEndPoint remoteEndPoint);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Error,
        Message = "Session {SessionId} from {RemoteEndPoint}: storing the message failed; replied 451")]
    public static partial void StoreFailed(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, Exception exception);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Error,
        Message = "Session {SessionId} from {RemoteEndPoint}: checking recipient <{Recipient}> failed; replied 451")]
    public static partial void RecipientCheckFailed(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, string recipient, Exception exception);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information,
        Message = "Session {SessionId} from {RemoteEndPoint}: connection lost")]
    public static partial void ConnectionLost(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, Exception? exception);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning,
        Message = "Session {SessionId} from {RemoteEndPoint}: discarding the message failed")]
    public static partial void DiscardFailed(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, Exception exception);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Debug,
        Message = "Session {SessionId} from {RemoteEndPoint}: TLS handshake exception")]
    public static partial void TlsHandshakeFailedDetail(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, Exception exception);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information,
        Message = "Session {SessionId} from {RemoteEndPoint}: {ErrorCount} error replies since the last accepted message; replied 421 and closing")]
    public static partial void TooManyErrors(ILogger logger, string sessionId, IPEndPoint remoteEndPoint, int errorCount);
}
