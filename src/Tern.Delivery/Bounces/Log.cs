using Microsoft.Extensions.Logging;
using Tern.Queue;

namespace Tern.Delivery;

/// <summary>Log messages of delivery status notifications; event ids 5400-5499.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5400, Level = LogLevel.Information,
        Message = "{QueueId}: sender non-delivery notification: {NotificationId} for {RecipientCount} recipients")]
    public static partial void BounceQueued(ILogger logger, QueueId queueId, QueueId notificationId, int recipientCount);

    [LoggerMessage(EventId = 5401, Level = LogLevel.Information,
        Message = "{QueueId}: no non-delivery notification for {RecipientCount} recipients, because the sender is the null reverse-path")]
    public static partial void BounceSuppressedNullSender(ILogger logger, QueueId queueId, int recipientCount);
}
