using System.Net;
using Tern.Delivery.Local;
using Tern.Hosting.Auth;
using Tern.Hosting.Configuration;
using Tern.Smtp;

namespace Tern.Hosting.Smtp;

/// <summary>
/// Decides at RCPT time whether Tern accepts a recipient: local domains and their users, postmaster,
/// relaying for authenticated users and configured client networks, and relay denial for everything
/// else. At MAIL time it checks that an authenticated user owns the sender address.
/// </summary>
internal sealed class LocalRecipientPolicy
{
    private readonly Dictionary<string, LocalDomainOptions> _domains;
    private readonly string _postmasterDomain;
    private readonly IPNetwork[] _relayNetworks;

    // RFC 4954 section 6 defines this reply for a command that needs authentication.
    private static readonly SmtpReply AuthenticationRequired = new(530, "5.7.0", "Authentication required");
    private readonly UserStore? _users;

    /// <param name="options">The local domains, host name and relay networks.</param>
    /// <param name="users">The users whose senders are checked; null when authentication is off.</param>
    public LocalRecipientPolicy(TernOptions options, UserStore? users = null)
    {
        _users = users;
        _domains = new Dictionary<string, LocalDomainOptions>(options.LocalDomains, StringComparer.OrdinalIgnoreCase);

        _relayNetworks = [.. options.Relay.ClientNetworks.Select(network => IPNetwork.Parse(network))];

        // RFC 5321 section 4.5.1 requires accepting "<Postmaster>" without a domain. It goes to the
        // postmaster of the host name when that is a local domain, otherwise of the first local domain.
        _postmasterDomain = options.HostName is { } host && _domains.ContainsKey(host) ? host : options.LocalDomains.Keys.First();
    }

    /// <summary>
    /// Returns null when <paramref name="authenticatedUser"/> (null for an unauthenticated session) may use
    /// <paramref name="sender"/> (null for the null reverse-path), or the rejection: 553 5.7.1 for a
    /// sender the user does not own, 530 5.7.0 for an unauthenticated session on a submission port.
    /// </summary>
    public SmtpReply? CheckSender(Mailbox? sender, string? authenticatedUser, IPAddress client, bool submission)
    {
        if (authenticatedUser is null)
        {
            // RFC 6409 section 4.3: a submission server refuses MAIL until the client has logged in,
            // unless it trusts the client by other means (here: Relay:ClientNetworks).
            return submission && !MayRelay(client) ? AuthenticationRequired : null;
        }

        // Without this check any user could send as anybody, and the mail would carry this server's
        // Received header as if it were genuine. The user is looked up again because the file may
        // have changed since the login.
        var account = _users?.Find(authenticatedUser);
        if (account is not null && account.MayUseSender(sender))
        {
            return null;
        }

        return new SmtpReply(553, "5.7.1", $"<{sender?.Address}>: Sender address rejected: not owned by user {authenticatedUser}");
    }

    /// <summary>
    /// Returns null to accept, or the rejection reply. <paramref name="authenticatedUser"/> is null for an
    /// unauthenticated session.
    /// </summary>
    public SmtpReply? Check(Mailbox recipient, IPAddress client, string? authenticatedUser)
    {
        if (recipient.IsPostmaster)
        {
            return null;
        }

        if (recipient.Domain is null || !_domains.TryGetValue(recipient.Domain, out var domain))
        {
            // Authenticated users may relay anywhere, and unauthenticated clients only from the relay
            // networks, so that this is no open relay.
            return authenticatedUser is not null || MayRelay(client) ? null : new SmtpReply(550, "5.7.1", $"<{recipient.Address}>: Relay access denied");
        }

        // Reject at RCPT what Maildir delivery would refuse later, so that the client, not a bounce,
        // reports it. RFC 5321 section 4.1.2 advises against mailboxes that need quoting anyway.
        var unusable = MaildirNames.GetRejectionReason(recipient.LocalPart);
        if (unusable is not null)
        {
            return new SmtpReply(550, "5.1.3", $"<{recipient.Address}>: Recipient address rejected: {unusable}");
        }

        // RFC 5321 section 4.5.1: every domain that accepts mail must accept postmaster.
        if (domain.CatchAll || string.Equals(recipient.LocalPart, "postmaster", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (var user in domain.Users)
        {
            if (string.Equals(user, recipient.LocalPart, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return new SmtpReply(550, "5.1.1", $"<{recipient.Address}>: Recipient address rejected: User unknown in local recipient table");
    }

    private bool MayRelay(IPAddress client)
    {
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        foreach (var network in _relayNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns the address the queue stores: the bare Postmaster becomes postmaster of a local domain.</summary>
    public string QueueAddress(Mailbox recipient) =>
        recipient.IsPostmaster ? "postmaster@" + _postmasterDomain : recipient.Address;
}
