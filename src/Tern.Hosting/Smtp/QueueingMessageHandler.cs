using Tern.Queue;
using Tern.Smtp;
using Tern.Smtp.Server;

namespace Tern.Hosting.Smtp;

/// <summary>Connects the SMTP server session to the queue: sender and recipient policy, then durable storage.</summary>
internal sealed class QueueingMessageHandler(IQueueStore store, LocalRecipientPolicy policy, Action onCommitted, TimeProvider timeProvider) : ISmtpMessageHandler
{
    public ValueTask<SmtpReply?> CheckSenderAsync(SmtpSessionContext session, SmtpEnvelope envelope, CancellationToken cancellationToken) =>
        ValueTask.FromResult(policy.CheckSender(
            envelope.ReversePath,
            session.AuthenticatedUser,
            session.RemoteEndPoint.Address,
            submission: session.Mode != SmtpListenerMode.Mx));

    public ValueTask<SmtpReply?> CheckRecipientAsync(SmtpSessionContext session, SmtpEnvelope envelope, Mailbox recipient, CancellationToken cancellationToken) =>
        ValueTask.FromResult(policy.Check(recipient, session.RemoteEndPoint.Address, session.AuthenticatedUser));

    public async ValueTask<IIncomingMessage> BeginMessageAsync(SmtpSessionContext session, SmtpEnvelope envelope, CancellationToken cancellationToken)
    {
        var queueEnvelope = new QueueEnvelope
        {
            Sender = envelope.ReversePath?.Address ?? string.Empty,
            Recipients = Deduplicate(envelope.Recipients.Select(ToQueueRecipient)),
            DsnReturn = envelope.Return switch
            {
                Tern.Smtp.Server.DsnReturn.Full => "FULL",
                Tern.Smtp.Server.DsnReturn.Headers => "HDRS",
                _ => null,
            },
            DsnEnvelopeId = envelope.EnvelopeId,
            BodyType = envelope.BodyType switch
            {
                SmtpBodyType.EightBitMime => MessageBodyType.EightBitMime,
                _ => MessageBodyType.SevenBit,
            },
            SmtpUtf8 = envelope.SmtpUtf8,
            ArrivalTime = timeProvider.GetUtcNow(),
            ClientAddress = session.RemoteEndPoint.Address.ToString(),
            ClientHeloName = session.HeloName,
            AuthenticatedUser = session.AuthenticatedUser,
        };

        var writer = await store.CreateAsync(queueEnvelope, cancellationToken);
        return new IncomingMessage(writer, onCommitted);
    }

    private QueueRecipient ToQueueRecipient(SmtpRecipient recipient) => new()
    {
        Address = policy.QueueAddress(recipient.Mailbox),
        DsnNotify = FormatNotify(recipient.Notify),
        DsnOriginalRecipient = recipient.OriginalRecipient,
    };

    // A client may name one recipient twice (RFC 5321 does not forbid it); deliver one copy, as
    // Postfix does. Local parts are compared exactly, because only the receiving host may fold case.
    private static List<QueueRecipient> Deduplicate(IEnumerable<QueueRecipient> recipients)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = new List<QueueRecipient>();
        foreach (var recipient in recipients)
        {
            if (seen.Add(NormalizeDomain(recipient.Address)))
            {
                unique.Add(recipient);
            }
        }

        return unique;
    }

    private static string NormalizeDomain(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? address : address[..at] + address[at..].ToLowerInvariant();
    }

    // RFC 3461 section 4.1: NOTIFY=NEVER, or a comma-separated list of SUCCESS, FAILURE and DELAY.
    private static string? FormatNotify(DsnNotify notify)
    {
        if (notify == DsnNotify.Unspecified)
        {
            return null;
        }

        if (notify.HasFlag(DsnNotify.Never))
        {
            return "NEVER";
        }

        var parts = new List<string>(3);
        if (notify.HasFlag(DsnNotify.Success))
        {
            parts.Add("SUCCESS");
        }

        if (notify.HasFlag(DsnNotify.Failure))
        {
            parts.Add("FAILURE");
        }

        if (notify.HasFlag(DsnNotify.Delay))
        {
            parts.Add("DELAY");
        }

        return string.Join(',', parts);
    }

    private sealed class IncomingMessage(IQueueWriter writer, Action onCommitted) : IIncomingMessage
    {
        public string Id => writer.Id.ToString();

        public Stream Content => writer.Content;

        public async ValueTask<string> CommitAsync(CancellationToken cancellationToken)
        {
            await writer.CommitAsync(cancellationToken);
            onCommitted();
            return Id;
        }

        public ValueTask DisposeAsync() => writer.DisposeAsync();
    }
}
