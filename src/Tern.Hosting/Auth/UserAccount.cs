using Tern.Smtp;

namespace Tern.Hosting.Auth;

/// <summary>A user who may authenticate for submission, with the sender addresses the user may use.</summary>
public sealed record UserAccount
{
    /// <summary>The name the user logs in with; often an address such as alice@example.org.</summary>
    public required string Name { get; init; }

    public required PasswordHash Password { get; init; }

    /// <summary>
    /// Further addresses for MAIL FROM beyond <see cref="Name"/>: a full address, or <c>@domain</c> for
    /// every address of the domain.
    /// </summary>
    public IReadOnlyList<string> Senders { get; init; } = [];

    /// <summary>
    /// Returns true when the user may send as <paramref name="sender"/>: the user name itself when it is
    /// an address, or a listed sender. The null reverse-path (null here) is never allowed, because only
    /// the MTA itself sends bounces.
    /// </summary>
    /// <remarks>Addresses are compared case-insensitively, as local delivery matches local parts.</remarks>
    public bool MayUseSender(Mailbox? sender)
    {
        if (sender is null || sender.Domain is null)
        {
            return false;
        }

        if (string.Equals(Name, sender.Address, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var allowed in Senders)
        {
            var matches = allowed.StartsWith('@')
                ? string.Equals(allowed[1..], sender.Domain, StringComparison.OrdinalIgnoreCase)
                : string.Equals(allowed, sender.Address, StringComparison.OrdinalIgnoreCase);
            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns the reason <paramref name="sender"/> cannot be a <see cref="Senders"/> entry, or null when it can.</summary>
    public static string? ValidateSender(string sender)
    {
        ArgumentNullException.ThrowIfNull(sender);
        if (sender.StartsWith('@'))
        {
            return Mailbox.TryParse("postmaster" + sender, out var domainMailbox) && domainMailbox.Domain is not null && !domainMailbox.Domain.StartsWith('[')
                ? null
                : $"'{sender}' is not @ followed by a domain name";
        }

        return Mailbox.TryParse(sender, out var mailbox) && mailbox.Domain is not null
            ? null
            : $"'{sender}' is not an address such as alice@example.org or a domain such as @example.org";
    }

    /// <summary>Returns the reason <paramref name="name"/> cannot be a user name, or null when it can.</summary>
    public static string? ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return "the user name is empty";
        }

        // RFC 4616 section 2 limits the PLAIN user name to 255 octets of UTF-8 without NUL.
        if (System.Text.Encoding.UTF8.GetByteCount(name) > 255)
        {
            return $"the user name '{name}' is longer than 255 octets";
        }

        return name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            ? $"the user name '{name}' contains a space or a control character"
            : null;
    }
}
