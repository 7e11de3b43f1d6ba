using Microsoft.Extensions.Logging;

namespace Tern.Dns;

/// <summary>Log messages of the DNS layer, event ids 2000 to 2499.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Debug, Message = "DNS {Name} {Type}: {Outcome}, {Status}")]
    public static partial void Answered(ILogger logger, string name, DnsRecordType type, DnsOutcome outcome, SecurityStatus status);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "DNS query {Name} {Type} to {Server} failed: {Kind}, {Reason}")]
    public static partial void QueryFailed(ILogger logger, string name, DnsRecordType type, string server, DnsFailureKind kind, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "DNS resolver {Server} is neither on loopback nor listed as trusted, so its AD bit is ignored and every answer from it counts as Insecure")]
    public static partial void UntrustedResolver(ILogger logger, string server);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "DNS CNAME loop while resolving {Name}: {Target} was already visited")]
    public static partial void CnameLoop(ILogger logger, string name, string target);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "DNS CNAME chain of {Name} is longer than {MaxChainLength} aliases")]
    public static partial void CnameChainTooLong(ILogger logger, string name, int maxChainLength);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug, Message = "DNS {Name} {Type} answered from the cache")]
    public static partial void CacheHit(ILogger logger, string name, DnsRecordType type);
}
