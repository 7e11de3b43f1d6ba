namespace Tern.Smtp.Client;

/// <summary>
/// The replies of one client transaction. A reply with no <see cref="MailSent"/> was made by the client
/// itself (for example 552 5.3.4 when the message exceeds the server's SIZE) and never reached the server.
/// </summary>
/// <param name="MailReply">The reply to MAIL, or the client's own reply when MAIL was not sent; null only if MAIL was never reached.</param>
/// <param name="RecipientReplies">One reply per recipient, in the envelope's order. When MAIL failed, each is the MAIL reply.</param>
/// <param name="DataReply">
/// The reply that ended the content: the reply after the final dot or the last BDAT chunk, or the rejection of
/// DATA or of a chunk. Null when no content was sent because MAIL failed or no recipient was accepted.
/// </param>
public sealed record SmtpTransactionResult(SmtpReply? MailReply, IReadOnlyList<SmtpReply> RecipientReplies, SmtpReply? DataReply)
{
    /// <summary>False when the client decided the outcome without sending MAIL.</summary>
    public bool MailSent { get; init; } = true;

    /// <summary>
    /// The outcome for each recipient, in the envelope's order: the RCPT reply when it is not 2xx, otherwise
    /// the data reply.
    /// </summary>
    public IReadOnlyList<SmtpReply> Outcomes => [.. RecipientReplies.Select(GetOutcome)];

    /// <summary>Returns the outcome for the recipient at <paramref name="index"/>, as <see cref="Outcomes"/> defines it.</summary>
    public SmtpReply GetOutcome(int index) => GetOutcome(RecipientReplies[index]);

    private SmtpReply GetOutcome(SmtpReply recipientReply) =>
        recipientReply.Code is >= 200 and < 300 && DataReply is not null ? DataReply : recipientReply;
}
