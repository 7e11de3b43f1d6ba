using Microsoft.Extensions.Logging;

namespace Tern.Queue;

/// <summary>Log messages of the queue; event ids 3000-3099 for the store and 3100-3199 for the runner.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information,
        Message = "Opened queue {Directory}: {EntryCount} entries, {RemovedCount} files of uncommitted messages removed, {CorruptCount} corrupt envelopes moved aside")]
    public static partial void QueueOpened(ILogger logger, string directory, int entryCount, int removedCount, int corruptCount);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "Removed {Path}, left by a message that was never committed")]
    public static partial void RemovedUncommittedFile(ILogger logger, string path);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error,
        Message = "Moved corrupt envelope {Path} to {CorruptPath}: {Reason}")]
    public static partial void MovedCorruptEnvelope(ILogger logger, string path, string corruptPath, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error,
        Message = "Skipped unreadable envelope {Path}: {Reason}")]
    public static partial void SkippedUnreadableEnvelope(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information,
        Message = "{QueueId}: from=<{Sender}>, size={Size}, nrcpt={RecipientCount} (queue active)")]
    public static partial void MessageQueued(ILogger logger, QueueId queueId, string sender, long size, int recipientCount);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "{QueueId}: failed to remove the files of an uncommitted message; the next start-up removes them")]
    public static partial void UncommittedCleanupFailed(ILogger logger, QueueId queueId, Exception exception);

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information,
        Message = "Queue runner started: at most {MaxConcurrentDeliveries} concurrent deliveries, polling every {PollInterval}")]
    public static partial void RunnerStarted(ILogger logger, int maxConcurrentDeliveries, TimeSpan pollInterval);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Queue runner stopped")]
    public static partial void RunnerStopped(ILogger logger);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information,
        Message = "{QueueId}: to=<{Recipient}>, relay={Relay}, delay={Delay:0.##}, dsn={Dsn}, status={Status} ({Reply})")]
    public static partial void DeliveryAttempt(
        ILogger logger, QueueId queueId, string recipient, string relay, double delay, string dsn, string status, string reply);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "{QueueId}: removed")]
    public static partial void EntryRemoved(ILogger logger, QueueId queueId);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Error,
        Message = "{QueueId}: delivery agent failed; deferring {RecipientCount} recipients")]
    public static partial void DeliveryAgentFailed(ILogger logger, QueueId queueId, int recipientCount, Exception exception);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Error,
        Message = "Failed to scan the queue for due messages; retrying in {RetryDelay}")]
    public static partial void QueueScanFailed(ILogger logger, TimeSpan retryDelay, Exception exception);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Error,
        Message = "{QueueId}: failed to record delivery results; recipients delivered in this attempt may be delivered again")]
    public static partial void RecordResultsFailed(ILogger logger, QueueId queueId, Exception exception);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning,
        Message = "{QueueId}: delivery interrupted by shutdown; its due recipients stay queued")]
    public static partial void DeliveryInterrupted(ILogger logger, QueueId queueId);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Error,
        Message = "{QueueId}: failed to read the queue entry; delivery skipped until the next scan")]
    public static partial void EntryReadFailed(ILogger logger, QueueId queueId, Exception exception);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Error,
        Message = "{QueueId}: failed to queue the delivery status notification for {RecipientCount} bounced recipients; the sender gets none")]
    public static partial void BounceNotificationFailed(ILogger logger, QueueId queueId, int recipientCount, Exception exception);
}
