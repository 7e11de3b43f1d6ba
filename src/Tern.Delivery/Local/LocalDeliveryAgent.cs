using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Queue;

namespace Tern.Delivery.Local;

/// <summary>
/// Delivers recipients in the local domains to Maildirs. <see cref="Routing.RoutingDeliveryAgent"/>
/// sends only local recipients here; any other recipient is deferred.
/// </summary>
public sealed class LocalDeliveryAgent : IDeliveryAgent
{
    private const string LocalRelay = "local";
    private const string NoRelay = "none";

    private readonly Dictionary<string, LocalDomain> _domains = new(StringComparer.Ordinal);
    private readonly MaildirDelivery _maildir;
    private readonly ILogger _logger;

    /// <exception cref="ArgumentException">A local domain name is invalid. The message names it.</exception>
    public LocalDeliveryAgent(LocalDeliveryOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (domain, localDomain) in options.Domains)
        {
            ArgumentNullException.ThrowIfNull(localDomain);
            if (!MailboxName.TryNormalizeDomain(domain, out var name, out var reason))
            {
                throw new ArgumentException($"Invalid local domain '{domain}': {reason}.", nameof(options));
            }

            _domains[name] = localDomain;
        }

        _maildir = new MaildirDelivery(options.MailDirectory, timeProvider);
        _logger = loggerFactory?.CreateLogger<LocalDeliveryAgent>() ?? NullLogger<LocalDeliveryAgent>.Instance;
    }

    public async ValueTask<IReadOnlyList<DeliveryResult>> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var results = new DeliveryResult[request.Recipients.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = await DeliverToRecipientAsync(request, request.Recipients[i].Address, cancellationToken);
        }

        return results;
    }

    private async ValueTask<DeliveryResult> DeliverToRecipientAsync(DeliveryRequest request, string address, CancellationToken cancellationToken)
    {
        var queueId = request.Entry.Id.ToString();
        if (!MailboxName.TrySplitAddress(address, out var localPart, out var domain))
        {
            // RFC 3463 X.1.3: bad destination mailbox address syntax.
            Log.RecipientRejected(_logger, queueId, address, "the address has no local part or no domain");
            return DeliveryResult.Bounced(NoRelay, "5.1.3", "550 5.1.3 Bad destination mailbox address syntax");
        }

        var domainName = domain.ToLowerInvariant();
        if (!_domains.TryGetValue(domainName, out var localDomain))
        {
            // Routing sends only local domains here, so this is a configuration mismatch: keep the message.
            return DeliveryResult.Deferred(NoRelay, "4.3.5", "451 4.3.5 Domain is not configured for local delivery");
        }

        if (!MailboxName.TryNormalizeLocalPart(localPart, out var user, out var reason))
        {
            Log.RecipientRejected(_logger, queueId, address, reason);
            return DeliveryResult.Bounced(LocalRelay, "5.1.3", $"550 5.1.3 Invalid mailbox name: {reason}");
        }

        if (!localDomain.Accepts(user))
        {
            // RFC 3463 X.1.1: bad destination mailbox address.
            return DeliveryResult.Bounced(LocalRelay, "5.1.1", "550 5.1.1 Mailbox does not exist");
        }

        var sender = request.Entry.Envelope.Sender;
        if (sender.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            // RFC 3463 X.1.7: bad sender's mailbox address syntax. The queue never gets such a
            // sender from the SMTP session; this guards the Return-Path field against other sources.
            Log.RecipientRejected(_logger, queueId, address, "the sender contains CR, LF or NUL");
            return DeliveryResult.Bounced(LocalRelay, "5.1.7", "550 5.1.7 Invalid sender address");
        }

        try
        {
            await using var content = await request.OpenContentAsync(cancellationToken);
            var path = await _maildir.DeliverAsync(domainName, user, sender, content, cancellationToken);
            Log.DeliveredToMaildir(_logger, queueId, address, path);
            return DeliveryResult.Delivered(LocalRelay, "2.0.0", "delivered to maildir");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // RFC 3463 X.3.0: a mail system problem that may go away (disk full, permissions).
            Log.MaildirDeliveryFailed(_logger, queueId, address, ex);
            return DeliveryResult.Deferred(LocalRelay, "4.3.0", "451 4.3.0 Maildir delivery failed; see the server log");
        }
    }
}
