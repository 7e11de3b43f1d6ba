using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using Tern.Queue;

namespace Tern.Delivery.Bounces;

/// <summary>
/// Queues a delivery status notification to the sender of a message whose recipients bounced. The
/// notification has the null reverse-path (RFC 5321 section 4.5.5) and goes through the queue like
/// any other message.
/// </summary>
public sealed class BounceNotifier : IBounceNotifier
{
    private readonly IQueueStore _store;
    private readonly BounceBuilder _builder;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <param name="store">The queue, which stores the notification and the original message.</param>
    /// <param name="reportingMta">Our host name, reported in the notification.</param>
    /// <param name="timeProvider">The clock for the notification's arrival time; the system clock when null.</param>
    /// <param name="loggerFactory">Creates the logger; none when null.</param>
    public BounceNotifier(IQueueStore store, string reportingMta, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _builder = new BounceBuilder(reportingMta);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger<BounceNotifier>() ?? NullLogger<BounceNotifier>.Instance;
    }

    public async ValueTask NotifyAsync(QueueEntry entry, IReadOnlyList<BouncedRecipient> recipients, DateTimeOffset bouncedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(recipients);
        if (entry.Envelope.Sender.Length == 0)
        {
            // RFC 5321 sections 4.5.5 and 6.1: a notification is never sent about a message with a
            // null reverse-path, which is usually a notification itself.
            Log.BounceSuppressedNullSender(_logger, entry.Id, recipients.Count);
            return;
        }

        var reported = recipients.Where(WantsFailureNotice).ToList();
        if (reported.Count == 0)
        {
            return;
        }

        MimeMessage notification;
        await using (var original = await _store.OpenContentAsync(entry.Id, cancellationToken))
        {
            notification = await _builder.BuildAsync(entry, reported, original, bouncedAt, cancellationToken);
        }

        using (notification)
        {
            var envelope = new QueueEnvelope
            {
                Sender = string.Empty,
                Recipients = [new QueueRecipient { Address = entry.Envelope.Sender }],
                ArrivalTime = _timeProvider.GetUtcNow(),

                // The notification may carry the original header section or message, so it needs
                // the same transport as the original.
                BodyType = entry.Envelope.BodyType == MessageBodyType.SevenBit ? MessageBodyType.SevenBit : MessageBodyType.EightBitMime,
                SmtpUtf8 = entry.Envelope.SmtpUtf8,
            };

            await using var writer = await _store.CreateAsync(envelope, cancellationToken);
            var format = FormatOptions.Default.Clone();
            format.NewLineFormat = NewLineFormat.Dos;
            await notification.WriteToAsync(format, writer.Content, cancellationToken);
            await writer.CommitAsync(cancellationToken);
            Log.BounceQueued(_logger, entry.Id, writer.Id, reported.Count);
        }
    }

    /// <summary>
    /// Returns whether the recipient's NOTIFY parameter allows a failure notice. Without NOTIFY the
    /// MTA notifies on failure; NOTIFY=NEVER and lists without FAILURE do not (RFC 3461 section 4.1).
    /// </summary>
    internal static bool WantsFailureNotice(BouncedRecipient bounced)
    {
        var notify = bounced.Recipient.DsnNotify;
        if (string.IsNullOrEmpty(notify))
        {
            return true;
        }

        return notify.Split(',').Any(value => string.Equals(value.Trim(), "FAILURE", StringComparison.OrdinalIgnoreCase));
    }
}
