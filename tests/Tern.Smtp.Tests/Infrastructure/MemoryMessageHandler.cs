using System.Collections.Concurrent;
using System.Text;
using Tern.Smtp.Server;

namespace Tern.Smtp.Tests.Infrastructure;

/// <summary>
/// A message handler that keeps committed messages in memory. Recipients whose local part is "unknown"
/// get 550 5.1.1, those at "elsewhere.example" get 550 5.7.1 for relaying, and "forwarded" is accepted
/// with 251. All others are accepted with the session's own reply.
/// </summary>
internal sealed class MemoryMessageHandler : ISmtpMessageHandler
{
    private readonly ConcurrentQueue<StoredMessage> _messages = new();
    private int _nextId;
    private int _discarded;

    public static readonly SmtpReply UnknownUser = new(550, "5.1.1", "Mailbox unknown");
    public static readonly SmtpReply RelayDenied = new(550, "5.7.1", "Relay access denied");
    public static readonly SmtpReply Forwarded = new(251, "2.1.5", "User not local; will forward");

    /// <summary>When set, CommitAsync throws an IOException, as a full disk would.</summary>
    public bool FailCommit { get; set; }

    /// <summary>When set, CheckRecipientAsync throws.</summary>
    public bool FailRecipientCheck { get; set; }

    public IReadOnlyList<StoredMessage> Messages => [.. _messages];

    /// <summary>How many begun messages were disposed without a commit.</summary>
    public int DiscardedCount => Volatile.Read(ref _discarded);

    public ValueTask<SmtpReply?> CheckRecipientAsync(SmtpSessionContext session, SmtpEnvelope envelope, Mailbox recipient, CancellationToken cancellationToken)
    {
        if (FailRecipientCheck)
        {
            throw new InvalidOperationException("recipient store unavailable");
        }

        if (recipient.LocalPart == "unknown")
        {
            return ValueTask.FromResult<SmtpReply?>(UnknownUser);
        }

        if (recipient.LocalPart == "forwarded")
        {
            return ValueTask.FromResult<SmtpReply?>(Forwarded);
        }

        if (string.Equals(recipient.Domain, "elsewhere.example", StringComparison.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult<SmtpReply?>(RelayDenied);
        }

        return ValueTask.FromResult<SmtpReply?>(null);
    }

    public ValueTask<IIncomingMessage> BeginMessageAsync(SmtpSessionContext session, SmtpEnvelope envelope, CancellationToken cancellationToken)
    {
        var id = "Q" + Interlocked.Increment(ref _nextId).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        return ValueTask.FromResult<IIncomingMessage>(new IncomingMessage(this, id, session, envelope));
    }

    private sealed class IncomingMessage(MemoryMessageHandler handler, string id, SmtpSessionContext session, SmtpEnvelope envelope) : IIncomingMessage
    {
        private readonly MemoryStream _content = new();
        private bool _committed;

        public string Id => id;

        public Stream Content => _content;

        public ValueTask<string> CommitAsync(CancellationToken cancellationToken)
        {
            if (handler.FailCommit)
            {
                throw new IOException("disk full");
            }

            _committed = true;
            handler._messages.Enqueue(new StoredMessage(id, envelope, session.TlsProtocol is not null, _content.ToArray()));
            return ValueTask.FromResult(id);
        }

        public ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                Interlocked.Increment(ref handler._discarded);
            }

            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>A committed message: its id, envelope, whether it came over TLS, and its bytes.</summary>
internal sealed record StoredMessage(string Id, SmtpEnvelope Envelope, bool OverTls, byte[] Content)
{
    public string Text => Encoding.UTF8.GetString(Content);

    /// <summary>The Received header field (with its folded lines) that the session wrote first.</summary>
    public string ReceivedHeader => Text[..(Text.IndexOf("\r\n", Text.IndexOf(';', StringComparison.Ordinal), StringComparison.Ordinal) + 2)];

    /// <summary>The message as the client sent it, without the Received header.</summary>
    public string ClientText => Text[ReceivedHeader.Length..];
}
