using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Dane;
using Tern.Dns;
using Tern.Queue;
using Tern.Smtp;
using Tern.Smtp.Client;

namespace Tern.Delivery.Remote;

/// <summary>
/// Delivers to remote domains over SMTP: finds each domain's MX hosts (RFC 5321 section 5.1), applies
/// the domain's <see cref="TlsPolicy"/> with DANE (RFC 7672), and sends one transaction per domain
/// that carries all of the request's recipients in it.
/// </summary>
/// <remarks>
/// Hosts are tried in MX order and each host's addresses in turn, until one host completes a
/// transaction. A 5xx reply to a recipient bounces it and a 4xx defers it. Connection, TLS and DNS
/// failures defer every recipient of the domain with the last host's reason.
/// </remarks>
public sealed class RemoteDeliveryAgent : IDeliveryAgent, IAsyncDisposable
{
    private const string NoRelay = "none";

    private readonly RemoteDeliveryOptions _options;
    private readonly DestinationResolver _destinations;
    private readonly TlsPlanner _tlsPlanner;
    private readonly SmtpConnectionPool _pool;
    private readonly SmtpAttempt _attempt;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <param name="options">The settings; validated here.</param>
    /// <param name="resolver">The DNS resolver, which must report DNSSEC status for DANE to work.</param>
    /// <param name="loggerFactory">Creates the loggers; none when null.</param>
    /// <param name="timeProvider">The clock for timeouts and delays; the system clock when null.</param>
    /// <param name="random">Shuffles MX hosts of equal preference; a shared instance when null.</param>
    public RemoteDeliveryAgent(
        RemoteDeliveryOptions options,
        IDnsResolver resolver,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resolver);
        options.Validate();
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger<RemoteDeliveryAgent>() ?? NullLogger<RemoteDeliveryAgent>.Instance;
        _destinations = new DestinationResolver(resolver, random ?? Random.Shared, new LocalEndPointMatcher(options.LocalEndPoints), options.Port);
        _tlsPlanner = new TlsPlanner(new SmtpDaneResolver(resolver, loggerFactory?.CreateLogger<SmtpDaneResolver>()));
        _pool = new SmtpConnectionPool(_timeProvider, options.ConnectionIdleTimeout, options.MaxConnectionsPerDestination);
        _attempt = new SmtpAttempt(options, _pool, _timeProvider, _logger);
    }

    public async ValueTask<IReadOnlyList<DeliveryResult>> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var results = new DeliveryResult[request.Recipients.Count];

        foreach (var group in Enumerable.Range(0, results.Length).GroupBy(i => DomainOf(request.Recipients[i].Address)))
        {
            var indexes = group.ToArray();
            var recipients = indexes.Select(i => request.Recipients[i]).ToArray();
            var domainResults = group.Key is null
                ? [.. recipients.Select(_ => DeliveryResult.Bounced(NoRelay, "5.1.3", "550 5.1.3 Bad destination mailbox address syntax"))]
                : await DeliverToDomainAsync(request, group.Key, recipients, cancellationToken);
            for (var k = 0; k < indexes.Length; k++)
            {
                results[indexes[k]] = domainResults[k];
                LogResult(request.Entry, recipients[k].Address, domainResults[k]);
            }
        }

        return results;
    }

    /// <summary>Closes the idle pooled connections with QUIT. Call it after the last delivery has finished.</summary>
    public ValueTask DisposeAsync() => _pool.DisposeAsync();

    /// <summary>Returns the wire form of a reply on one line, for example <c>250 2.0.0 Ok: queued as X</c>.</summary>
    internal static string FormatReply(SmtpReply reply) =>
        reply.EnhancedStatusCode is null
            ? $"{reply.Code} {string.Join(' ', reply.Lines)}"
            : $"{reply.Code} {reply.EnhancedStatusCode} {string.Join(' ', reply.Lines)}";

    /// <summary>Returns the lower-case domain after the last "@", or null when the address has none.</summary>
    internal static string? DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at <= 0 || at == address.Length - 1 ? null : address[(at + 1)..].ToLowerInvariant();
    }

    private async Task<DeliveryResult[]> DeliverToDomainAsync(DeliveryRequest request, string domain, QueueRecipient[] recipients, CancellationToken cancellationToken)
    {
        var destination = await _destinations.ResolveAsync(domain, cancellationToken);
        if (destination.Failure is { } failure)
        {
            return [.. recipients.Select(_ => failure)];
        }

        using var slot = await _pool.EnterDestinationAsync(domain, cancellationToken);
        var policy = _options.GetTlsPolicy(domain);
        var envelope = CreateEnvelope(request.Entry.Envelope, recipients);
        var failures = new List<HostFailure>();
        var lastRelay = NoRelay;
        foreach (var target in destination.Targets)
        {
            if (target.Addresses.Count == 0)
            {
                Log.HostSkipped(_logger, request.Entry.Id, target.HostName, domain, target.AddressProblem ?? "no addresses");
                failures.Add(new HostFailure("4.4.4", $"Host or domain name not found: {target.AddressProblem}"));
                continue;
            }

            var plan = await _tlsPlanner.PlanAsync(policy, target, destination.NextHopDomain, cancellationToken);
            if (plan.SkipReason is { } skipReason)
            {
                Log.HostSkipped(_logger, request.Entry.Id, target.HostName, domain, skipReason);
                failures.Add(new HostFailure("4.7.5", skipReason));
                continue;
            }

            var outcome = await TryHostAsync(target, plan, envelope, request, cancellationToken);
            lastRelay = outcome.Relay;
            if (outcome.Status == AttemptStatus.Completed)
            {
                return MapTransaction(outcome.Transaction!, outcome.Relay);
            }

            failures.Add(outcome.Failure!);
        }

        return [.. recipients.Select(_ => Conclude(failures, lastRelay, domain))];
    }

    /// <summary>Tries each address of one host until one completes a transaction or the host must be left.</summary>
    private async Task<AttemptOutcome> TryHostAsync(DeliveryTarget target, TlsPlan plan, SmtpClientEnvelope envelope, DeliveryRequest request, CancellationToken cancellationToken)
    {
        AttemptOutcome? outcome = null;
        foreach (var address in target.Addresses)
        {
            outcome = await _attempt.RunAsync(target.HostName, address, plan, useTls: true, envelope, request.OpenContentAsync, cancellationToken);
            if (outcome.Status == AttemptStatus.RetryWithoutTls)
            {
                outcome = await _attempt.RunAsync(target.HostName, address, plan, useTls: false, envelope, request.OpenContentAsync, cancellationToken);
            }

            if (outcome.Status != AttemptStatus.NextAddress)
            {
                return outcome;
            }
        }

        return outcome!;
    }

    /// <summary>
    /// Returns the result for a domain whose hosts all failed. The mail bounces only when every host
    /// rejected MAIL with 5xx, because then the whole destination refuses the message for good. Any other
    /// failure may be temporary, so the mail is deferred with the last host's reason, as Postfix reports it.
    /// </summary>
    private static DeliveryResult Conclude(List<HostFailure> failures, string relay, string domain)
    {
        if (failures.Count == 0)
        {
            return DeliveryResult.Deferred(NoRelay, "4.4.4", $"451 4.4.4 No usable MX host for {domain}");
        }

        var last = failures[^1];
        if (failures.TrueForAll(f => f.IsPermanent) && last.Reply is { } reply)
        {
            return DeliveryResult.Bounced(relay, last.EnhancedStatusCode, FormatReply(reply));
        }

        // A permanent code from one host becomes temporary, because the mail is retried.
        var code = last.EnhancedStatusCode.StartsWith('5') ? "4" + last.EnhancedStatusCode[1..] : last.EnhancedStatusCode;
        return DeliveryResult.Deferred(relay, code, last.Description);
    }

    private static DeliveryResult[] MapTransaction(SmtpTransactionResult transaction, string relay)
    {
        var results = new DeliveryResult[transaction.RecipientReplies.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var reply = transaction.GetOutcome(i);
            var code = reply.EnhancedStatusCode ?? SmtpAttempt.DefaultStatusCode(reply.Code);
            var text = FormatReply(reply);
            results[i] = reply.Code switch
            {
                < 300 when transaction.DataReply is not null => DeliveryResult.Delivered(relay, code, text),

                // A recipient accepted without a data reply means the content was never sent.
                < 300 => DeliveryResult.Deferred(relay, "4.4.2", $"{text}, but the message content was not sent"),
                < 500 => DeliveryResult.Deferred(relay, code, text),
                _ => DeliveryResult.Bounced(relay, code, text),
            };
        }

        return results;
    }

    private static SmtpClientEnvelope CreateEnvelope(QueueEnvelope envelope, QueueRecipient[] recipients)
    {
        var clientRecipients = recipients
            .Select(r => new SmtpClientRecipient(r.Address) { DsnNotify = r.DsnNotify, DsnOriginalRecipient = r.DsnOriginalRecipient })
            .ToArray();
        return new SmtpClientEnvelope(envelope.Sender, clientRecipients)
        {
            // NOTE: BINARYMIME content is sent as 8BITMIME, since the client has no BINARYMIME option.
            EightBitMime = envelope.BodyType != MessageBodyType.SevenBit,
            SmtpUtf8 = envelope.SmtpUtf8,
            Size = envelope.Size > 0 ? envelope.Size : null,
            DsnReturn = envelope.DsnReturn,
            DsnEnvelopeId = envelope.DsnEnvelopeId,
        };
    }

    private void LogResult(QueueEntry entry, string recipient, DeliveryResult result)
    {
        var delay = (_timeProvider.GetUtcNow() - entry.Envelope.ArrivalTime).TotalSeconds;
        var status = result.Status switch
        {
            DeliveryStatus.Delivered => "sent",
            DeliveryStatus.Deferred => "deferred",
            _ => "bounced",
        };
        Log.RemoteResult(_logger, entry.Id, recipient, result.Relay, delay, result.EnhancedStatusCode, status, result.Reply);
    }
}
