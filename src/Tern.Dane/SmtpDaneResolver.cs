using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Dns;

namespace Tern.Dane;

/// <summary>Performs the DNS lookups for one MX host and returns the DANE decision (RFC 7672 section 2.2).</summary>
public sealed class SmtpDaneResolver
{
    private readonly IDnsResolver _resolver;
    private readonly ILogger _logger;

    public SmtpDaneResolver(IDnsResolver resolver, ILogger<SmtpDaneResolver>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _resolver = resolver;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// Looks up the A and AAAA records of the MX host, then the TLSA records at each candidate base
    /// domain until one gives an answer other than a secure denial. DNS failures become a
    /// <see cref="DaneSmtpRequirement.Defer"/> decision; only cancellation throws.
    /// </summary>
    public async Task<SmtpDaneDecision> ResolveAsync(string mxHost, string? nextHopDomain, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mxHost);
        var addressTasks = new[]
        {
            _resolver.QueryAAsync(mxHost, cancellationToken),
            _resolver.QueryAaaaAsync(mxHost, cancellationToken),
        };
        var addressAnswers = await Task.WhenAll(addressTasks);

        var tlsaAnswers = new List<DnsAnswer>();
        foreach (var baseDomain in SmtpDanePolicy.GetTlsaBaseDomains(mxHost, addressAnswers))
        {
            var tlsa = await _resolver.QueryTlsaAsync(baseDomain, SmtpDanePolicy.SmtpPort, cancellationToken);
            tlsaAnswers.Add(tlsa);
            var secureDenial = tlsa.Status == SecurityStatus.Secure && tlsa.Outcome is DnsOutcome.NxDomain or DnsOutcome.NoData;
            if (!secureDenial)
            {
                break;
            }
        }

        var decision = SmtpDanePolicy.Decide(mxHost, nextHopDomain, addressAnswers, tlsaAnswers);
        Log.SmtpDecision(_logger, decision.MxHost, decision.Requirement, decision.Reason);
        return decision;
    }
}
