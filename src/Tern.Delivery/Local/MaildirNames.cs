namespace Tern.Delivery.Local;

/// <summary>The rules Maildir delivery applies to local parts, for checking recipients before a message is accepted.</summary>
public static class MaildirNames
{
    /// <summary>Returns null when <paramref name="localPart"/> (unquoted) can be a mailbox directory, otherwise why not.</summary>
    public static string? GetRejectionReason(string localPart) =>
        MailboxName.TryNormalizeLocalPart(localPart, out _, out var reason) ? null : reason;
}
