using Tern.Smtp.Server;

namespace Tern.Smtp.Tests.Infrastructure;

/// <summary>A <see cref="MemoryMessageHandler"/> that lets an authenticated user send only as the user's own name.</summary>
internal sealed class SenderOwnerHandler : ISmtpMessageHandler
{
    public MemoryMessageHandler Inner { get; } = new();

    public ValueTask<SmtpReply?> CheckSenderAsync(SmtpSessionContext session, SmtpEnvelope envelope, CancellationToken cancellationToken)
    {
        if (session.AuthenticatedUser is { } user && !string.Equals(envelope.ReversePath?.Address, user, StringComparison.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult<SmtpReply?>(new SmtpReply(553, "5.7.1", "Sender address rejected: not owned by user " + user));
        }

        return ValueTask.FromResult<SmtpReply?>(null);
    }

    public ValueTask<SmtpReply?> CheckRecipientAsync(SmtpSessionContext session, SmtpEnvelope envelope, Mailbox recipient, CancellationToken cancellationToken) =>
        Inner.CheckRecipientAsync(session, envelope, recipient, cancellationToken);

    public ValueTask<IIncomingMessage> BeginMessageAsync(SmtpSessionContext session, SmtpEnvelope envelope, CancellationToken cancellationToken) =>
        Inner.BeginMessageAsync(session, envelope, cancellationToken);
}
