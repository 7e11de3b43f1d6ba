using Microsoft.Extensions.Logging;

namespace Tern.Smtp;

/// <summary>Log messages of the SMTP client session, event ids 1100 to 1199.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information,
        Message = "Client session {SessionId}: EHLO rejected with {ReplyCode}; sending HELO")]
    public static partial void EhloRejected(ILogger logger, string sessionId, int replyCode);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning,
        Message = "Client session {SessionId}: the server sent {ByteCount} octets after its STARTTLS reply and before the TLS handshake; closing the session")]
    public static partial void StartTlsInputInjected(ILogger logger, string sessionId, int byteCount);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug,
        Message = "Client session {SessionId}: no reply to QUIT")]
    public static partial void QuitReplyMissing(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information,
        Message = "Client session {SessionId}: sending 8-bit content to a server that does not offer 8BITMIME")]
    public static partial void EightBitWithoutExtension(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Debug,
        Message = "Client session {SessionId}: TLS established, {TlsProtocol} with {CipherSuite}")]
    public static partial void ClientTlsEstablished(ILogger logger, string sessionId, System.Security.Authentication.SslProtocols tlsProtocol, System.Net.Security.TlsCipherSuite cipherSuite);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information,
        Message = "Client session {SessionId}: MAIL not sent for <{Sender}>: {ReplyCode} {EnhancedStatusCode} {ReplyText}")]
    public static partial void TransactionNotStarted(ILogger logger, string sessionId, string sender, int replyCode, string? enhancedStatusCode, string replyText);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Debug,
        Message = "Client session {SessionId}: transaction for <{Sender}> ended with {ReplyCode}, {AcceptedCount} of {RecipientCount} recipients accepted")]
    public static partial void TransactionEnded(ILogger logger, string sessionId, string sender, int? replyCode, int acceptedCount, int recipientCount);
}
