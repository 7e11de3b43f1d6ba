using Microsoft.Extensions.Logging;

namespace Tern.Delivery;

/// <summary>Log messages of delivery; event ids 5000-5999.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Debug,
        Message = "{QueueId}: delivered to <{Recipient}> as {Path}")]
    public static partial void DeliveredToMaildir(ILogger logger, string queueId, string recipient, string path);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error,
        Message = "{QueueId}: Maildir delivery to <{Recipient}> failed; deferring")]
    public static partial void MaildirDeliveryFailed(ILogger logger, string queueId, string recipient, Exception exception);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning,
        Message = "{QueueId}: rejected recipient <{Recipient}>: {Reason}")]
    public static partial void RecipientRejected(ILogger logger, string queueId, string recipient, string reason);
}
