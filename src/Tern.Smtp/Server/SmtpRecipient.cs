namespace Tern.Smtp.Server;

/// <summary>An accepted RCPT TO with its RFC 3461 parameters.</summary>
/// <param name="Mailbox">The forward path.</param>
public sealed record SmtpRecipient(Mailbox Mailbox)
{
    /// <summary>The NOTIFY parameter, <see cref="DsnNotify.Unspecified"/> when absent.</summary>
    public DsnNotify Notify { get; init; }

    /// <summary>
    /// The ORCPT parameter with its xtext decoded, as "addr-type;address" (for example
    /// "rfc822;user@example.net"), which is the form RFC 3464 puts in Original-Recipient; null when absent.
    /// </summary>
    public string? OriginalRecipient { get; init; }
}
