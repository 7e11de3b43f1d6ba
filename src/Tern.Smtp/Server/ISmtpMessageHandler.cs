namespace Tern.Smtp.Server;

/// <summary>
/// The server session's link to the rest of the MTA: sender and recipient policy and message storage.
/// The session owns the protocol; the handler decides who may receive mail and where the bytes go.
/// </summary>
public interface ISmtpMessageHandler
{
    /// <summary>
    /// Checks the MAIL FROM address of a new transaction, for example whether an authenticated user
    /// owns it. Returns null to accept, or the rejection reply (such as 553 5.7.1). The default accepts
    /// every sender.
    /// </summary>
    ValueTask<SmtpReply?> CheckSenderAsync(SmtpSessionContext session, SmtpEnvelope envelope, CancellationToken cancellationToken) =>
        ValueTask.FromResult<SmtpReply?>(null);

    /// <summary>
    /// Checks one RCPT TO address. Returns null to accept it, or the rejection reply
    /// (for example 550 5.7.1 for relaying, 550 5.1.1 for an unknown user).
    /// </summary>
    ValueTask<SmtpReply?> CheckRecipientAsync(SmtpSessionContext session, SmtpEnvelope envelope, Mailbox recipient, CancellationToken cancellationToken);

    /// <summary>
    /// Opens storage for one message. The session writes the Received header and the message
    /// bytes to <see cref="IIncomingMessage.Content"/>, then calls
    /// <see cref="IIncomingMessage.CommitAsync"/>; disposing without a commit discards the message.
    /// </summary>
    ValueTask<IIncomingMessage> BeginMessageAsync(SmtpSessionContext session, SmtpEnvelope envelope, CancellationToken cancellationToken);
}

/// <summary>A message being received, not yet accepted.</summary>
public interface IIncomingMessage : IAsyncDisposable
{
    /// <summary>The queue id the message will have once committed; the Received header names it.</summary>
    string Id { get; }

    /// <summary>The writable message content, headers first.</summary>
    Stream Content { get; }

    /// <summary>
    /// Makes the message durable and returns its queue id. Throws when the store fails;
    /// the session then replies 451 4.3.0, never a 5xx.
    /// </summary>
    ValueTask<string> CommitAsync(CancellationToken cancellationToken);
}
