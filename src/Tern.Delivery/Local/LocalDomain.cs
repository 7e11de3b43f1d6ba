namespace Tern.Delivery.Local;

/// <summary>A domain whose mail Tern delivers to Maildirs, with the users it accepts.</summary>
public sealed class LocalDomain
{
    private LocalDomain(bool isCatchAll, IReadOnlySet<string> users)
    {
        IsCatchAll = isCatchAll;
        Users = users;
    }

    /// <summary>Whether every local part is accepted, each into the Maildir named after it.</summary>
    public bool IsCatchAll { get; }

    /// <summary>The accepted users in lower case; empty for a catch-all domain.</summary>
    public IReadOnlySet<string> Users { get; }

    /// <summary>Creates a domain that accepts every local part that is a valid mailbox name.</summary>
    public static LocalDomain CatchAll() => new(isCatchAll: true, new HashSet<string>(StringComparer.Ordinal));

    /// <summary>Creates a domain that accepts the given users (compared without regard to case) and postmaster.</summary>
    /// <exception cref="ArgumentException">A user name is not a valid mailbox name; the message names it and gives the reason.</exception>
    public static LocalDomain WithUsers(IEnumerable<string> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        var normalized = new HashSet<string>(StringComparer.Ordinal);
        foreach (var user in users)
        {
            if (!MailboxName.TryNormalizeLocalPart(user, out var name, out var reason))
            {
                throw new ArgumentException($"Invalid local user '{user}': {reason}.", nameof(users));
            }

            normalized.Add(name);
        }

        return new LocalDomain(isCatchAll: false, normalized);
    }

    /// <summary>Returns whether mail for the normalized <paramref name="user"/> is accepted.</summary>
    public bool Accepts(string user)
    {
        // RFC 5321 section 4.5.1: every domain that receives mail must accept "postmaster".
        return IsCatchAll || Users.Contains(user) || user == MailboxName.Postmaster;
    }
}
