using System.Globalization;
using System.Text;
using MimeKit;
using MimeKit.Utils;
using Tern.Queue;

namespace Tern.Delivery.Bounces;

/// <summary>
/// Builds the delivery status notification (RFC 3464) that reports to a sender which recipients of a
/// message failed: a multipart/report (RFC 6522) with a text part for people, a
/// message/delivery-status part for programs, and the original header section, or the whole
/// original message when the sender asked for it with RET=FULL (RFC 3461 section 4.3).
/// </summary>
public sealed class BounceBuilder
{
    private readonly string _reportingMta;

    /// <param name="reportingMta">Our host name, reported as the Reporting-MTA and used in the From address.</param>
    public BounceBuilder(string reportingMta)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reportingMta);
        _reportingMta = reportingMta;
    }

    /// <summary>Builds the notification for the bounced recipients of <paramref name="entry"/>.</summary>
    /// <param name="entry">The queued message; its sender must not be empty.</param>
    /// <param name="recipients">The recipients to report, at least one.</param>
    /// <param name="originalContent">The stored message, read from its start; the caller disposes it.</param>
    /// <param name="bouncedAt">The time of the failed attempt, reported as Last-Attempt-Date and Date.</param>
    /// <exception cref="ArgumentException">The sender is empty or no recipient is given.</exception>
    public async Task<MimeMessage> BuildAsync(
        QueueEntry entry, IReadOnlyList<BouncedRecipient> recipients, Stream originalContent, DateTimeOffset bouncedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(originalContent);
        if (entry.Envelope.Sender.Length == 0)
        {
            // RFC 5321 sections 4.5.5 and 6.1: a message with a null reverse-path is itself a
            // notification, and a notification about it could start a loop of notifications.
            throw new ArgumentException($"Message {entry.Id} has a null reverse-path, so it gets no delivery status notification.", nameof(entry));
        }

        if (recipients.Count == 0)
        {
            throw new ArgumentException("A delivery status notification needs at least one recipient.", nameof(recipients));
        }

        var returnFull = string.Equals(entry.Envelope.DsnReturn, "FULL", StringComparison.OrdinalIgnoreCase);
        var original = returnFull
            ? await ReadMessageAsync(originalContent, cancellationToken)
            : null;
        var originalHeaders = original?.Headers ?? await ReadHeadersAsync(originalContent, cancellationToken);

        var report = new MultipartReport("delivery-status")
        {
            CreateTextPart(entry, recipients),
            CreateStatusPart(entry, recipients, bouncedAt),
            original is null ? CreateHeadersPart(originalHeaders) : new MessagePart("rfc822") { Message = original },
        };

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@" + _reportingMta));
        message.To.Add(MailboxAddress.Parse(entry.Envelope.Sender));
        message.Subject = "Undelivered mail returned to sender";
        message.Date = bouncedAt;
        message.MessageId = MimeUtils.GenerateMessageId(_reportingMta);

        // RFC 3834 section 5: the notification is an automatic reply, so auto-responders leave it alone.
        message.Headers.Add("Auto-Submitted", "auto-replied");
        if (originalHeaders[HeaderId.MessageId] is { } originalId)
        {
            message.Headers.Add(HeaderId.References, originalId.Trim());
        }

        message.Body = report;
        return message;
    }

    private TextPart CreateTextPart(QueueEntry entry, IReadOnlyList<BouncedRecipient> recipients)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"The mail system at {_reportingMta} could not deliver your message, queued as {entry.Id},\n");
        text.Append("to the recipients below. It will not try again.\n\n");
        foreach (var bounced in recipients)
        {
            text.Append(CultureInfo.InvariantCulture, $"<{bounced.Recipient.Address}>: {bounced.Result.Reply}\n");
        }

        text.Append("\nThe delivery report and the ");
        text.Append(string.Equals(entry.Envelope.DsnReturn, "FULL", StringComparison.OrdinalIgnoreCase) ? "original message" : "original message headers");
        text.Append(" are attached.\n");
        return new TextPart("plain") { Text = text.ToString() };
    }

    private MessageDeliveryStatus CreateStatusPart(QueueEntry entry, IReadOnlyList<BouncedRecipient> recipients, DateTimeOffset bouncedAt)
    {
        var status = new MessageDeliveryStatus();

        // RFC 3464 section 2.2: the per-message fields.
        var perMessage = new HeaderList { { "Reporting-MTA", "dns; " + _reportingMta } };
        if (entry.Envelope.DsnEnvelopeId is { } envelopeId)
        {
            perMessage.Add("Original-Envelope-Id", XText.Decode(envelopeId));
        }

        perMessage.Add("Arrival-Date", DateUtils.FormatDate(entry.Envelope.ArrivalTime));
        status.StatusGroups.Add(perMessage);

        // RFC 3464 section 2.3: one group of per-recipient fields each.
        foreach (var bounced in recipients)
        {
            status.StatusGroups.Add(CreateRecipientFields(bounced, bouncedAt));
        }

        return status;
    }

    private static HeaderList CreateRecipientFields(BouncedRecipient bounced, DateTimeOffset bouncedAt)
    {
        var fields = new HeaderList();
        if (bounced.Recipient.DsnOriginalRecipient is { } originalRecipient)
        {
            // The ORCPT value already has the form "addr-type;address" (RFC 3461 section 4.2).
            fields.Add("Original-Recipient", XText.Decode(originalRecipient));
        }

        // NOTE: an internationalized address needs the "utf-8" address type and message/global-delivery-status
        // (RFC 6533); it is reported as rfc822 here.
        fields.Add("Final-Recipient", "rfc822; " + bounced.Recipient.Address);
        fields.Add("Action", "failed");
        fields.Add("Status", StatusCode(bounced.Result.EnhancedStatusCode));
        if (RemoteHost(bounced.Result.Relay) is { } remoteHost)
        {
            fields.Add("Remote-MTA", "dns; " + remoteHost);
        }

        if (IsSmtpReply(bounced.Result.Reply))
        {
            fields.Add("Diagnostic-Code", "smtp; " + bounced.Result.Reply);
        }

        fields.Add("Last-Attempt-Date", DateUtils.FormatDate(bouncedAt));
        return fields;
    }

    private static MimePart CreateHeadersPart(HeaderList headers)
    {
        var content = new MemoryStream();
        headers.WriteTo(FormatOptions.Default, content);
        content.Position = 0;
        var eightBit = content.ToArray().Any(octet => octet >= 0x80);
        return new MimePart("text", "rfc822-headers")
        {
            Content = new MimeContent(content),
            ContentTransferEncoding = eightBit ? ContentEncoding.EightBit : ContentEncoding.SevenBit,
        };
    }

    /// <summary>Returns the status as RFC 3463 "class.subject.detail"; a malformed one becomes 5.0.0, since the recipient failed.</summary>
    private static string StatusCode(string enhancedStatusCode)
    {
        var parts = enhancedStatusCode.Split('.');
        var valid = parts.Length == 3 && parts[0] is "4" or "5" && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit));
        return valid ? enhancedStatusCode : "5.0.0";
    }

    /// <summary>Returns the host name of a relay logged as "host[address]:port", or null for "none" and "local".</summary>
    private static string? RemoteHost(string relay)
    {
        var bracket = relay.IndexOf('[', StringComparison.Ordinal);
        return bracket > 0 ? relay[..bracket] : null;
    }

    /// <summary>Returns whether the text starts like an SMTP reply ("550 ..."), the form Diagnostic-Code type smtp expects.</summary>
    private static bool IsSmtpReply(string reply) =>
        reply.Length >= 4 && reply[0] is '4' or '5' && char.IsAsciiDigit(reply[1]) && char.IsAsciiDigit(reply[2]) && reply[3] is ' ' or '-';

    private static async Task<MimeMessage> ReadMessageAsync(Stream content, CancellationToken cancellationToken)
    {
        // NOTE: the whole original message is held in memory while the notification is built.
        return await MimeMessage.LoadAsync(content, cancellationToken);
    }

    private static async Task<HeaderList> ReadHeadersAsync(Stream content, CancellationToken cancellationToken)
    {
        var parser = new MimeParser(content, MimeFormat.Entity);
        return await parser.ParseHeadersAsync(cancellationToken);
    }
}
