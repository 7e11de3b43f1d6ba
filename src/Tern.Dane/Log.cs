using Microsoft.Extensions.Logging;

namespace Tern.Dane;

/// <summary>Log messages of the DANE engine, event ids 2500 to 2999.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2500, Level = LogLevel.Information, Message = "DANE verified {Host}: {Result}")]
    public static partial void Verified(ILogger logger, string host, DaneVerificationResult result);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Warning, Message = "DANE verification of {Host} failed: {Reason}")]
    public static partial void VerificationFailed(ILogger logger, string host, string reason);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Information, Message = "DANE decision for MX host {MxHost}: {Requirement}, {Reason}")]
    public static partial void SmtpDecision(ILogger logger, string mxHost, DaneSmtpRequirement requirement, string reason);
}
