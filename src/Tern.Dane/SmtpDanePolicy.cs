using Tern.Dns;

namespace Tern.Dane;

/// <summary>
/// The DANE decision for one MX host (RFC 7672 section 2.2) as pure functions over DNS answers, so
/// that it can be tested without a network and its inputs printed.
/// </summary>
public static class SmtpDanePolicy
{
    /// <summary>SMTP relay port, whose TLSA records apply to MX hosts (RFC 7672 section 2.2).</summary>
    public const int SmtpPort = 25;

    /// <summary>
    /// Returns the names at which to look up TLSA records, in order: the MX host name after CNAME
    /// expansion when every step is secure, then the original name (RFC 7672 section 2.2.3). Returns an
    /// empty list when the address records are not secure, because then DANE does not apply.
    /// </summary>
    public static IReadOnlyList<string> GetTlsaBaseDomains(string mxHost, IReadOnlyList<DnsAnswer> addressAnswers)
    {
        ArgumentNullException.ThrowIfNull(addressAnswers);
        var host = DnsName.Normalize(mxHost);
        var withRecords = addressAnswers.Where(a => a.Outcome == DnsOutcome.Records).ToList();
        if (withRecords.Count == 0 || withRecords.Any(a => a.Status != SecurityStatus.Secure))
        {
            return [];
        }

        var expanded = withRecords[0].CanonicalName;
        return expanded == host ? [host] : [expanded, host];
    }

    /// <summary>
    /// Decides how to deliver to one MX host. <paramref name="addressAnswers"/> are its A and AAAA
    /// lookups. <paramref name="tlsaAnswers"/> are the TLSA lookups at the names that
    /// <see cref="GetTlsaBaseDomains"/> returned, in order: the first is required when DANE applies,
    /// the second only when the first was a secure denial.
    /// <paramref name="nextHopDomain"/>, when given, is also accepted as a certificate name.
    /// </summary>
    /// <exception cref="ArgumentException">A TLSA answer that the decision needs is missing.</exception>
    public static SmtpDaneDecision Decide(
        string mxHost, string? nextHopDomain, IReadOnlyList<DnsAnswer> addressAnswers, IReadOnlyList<DnsAnswer> tlsaAnswers)
    {
        ArgumentNullException.ThrowIfNull(addressAnswers);
        ArgumentNullException.ThrowIfNull(tlsaAnswers);
        var host = DnsName.Normalize(mxHost);
        var decision = new SmtpDaneDecision
        {
            MxHost = host,
            Requirement = DaneSmtpRequirement.OpportunisticTls,
            Reason = string.Empty,
            Lookups = [.. addressAnswers, .. tlsaAnswers],
        };

        if (CheckAddresses(addressAnswers) is { } addressDecision)
        {
            return decision with { Requirement = addressDecision.Requirement, Reason = addressDecision.Reason };
        }

        var baseDomains = GetTlsaBaseDomains(host, addressAnswers);
        for (var i = 0; i < baseDomains.Count; i++)
        {
            var owner = DnsName.TlsaOwner(baseDomains[i], SmtpPort);
            var tlsa = i < tlsaAnswers.Count ? tlsaAnswers[i] : null;
            if (tlsa is null || tlsa.Name != owner)
            {
                throw new ArgumentException($"The TLSA answer for {owner} is missing; pass the lookups in the order GetTlsaBaseDomains returns.", nameof(tlsaAnswers));
            }

            if (tlsa.Status.IsFailure())
            {
                // An attacker who can block the TLSA lookup must not be able to downgrade delivery to plaintext (RFC 7672 section 2.1.1).
                return decision with { Requirement = DaneSmtpRequirement.Defer, Reason = $"the TLSA lookup for {owner} failed ({tlsa.Failure?.Message}), status {tlsa.Status}" };
            }

            if (tlsa.Status == SecurityStatus.Insecure)
            {
                return decision with { Reason = $"the TLSA answer for {owner} is not DNSSEC-signed, so DANE does not apply" };
            }

            if (tlsa.Outcome != DnsOutcome.Records)
            {
                // A secure denial at the expanded name sends the client to the original name (RFC 7672 section 2.2.3).
                continue;
            }

            return DecideWithRecords(decision, baseDomains[i], host, nextHopDomain, tlsa);
        }

        return decision with { Reason = $"DNSSEC proves that {host} has no TLSA records, so DANE does not apply" };
    }

    private static (DaneSmtpRequirement Requirement, string Reason)? CheckAddresses(IReadOnlyList<DnsAnswer> addressAnswers)
    {
        var withRecords = addressAnswers.Where(a => a.Outcome == DnsOutcome.Records).ToList();
        if (withRecords.Count == 0)
        {
            var failed = addressAnswers.FirstOrDefault(a => a.Outcome == DnsOutcome.Failure);
            var reason = failed is null ? "the MX host has no address records" : $"the address lookup failed ({failed.Failure?.Message})";
            return (DaneSmtpRequirement.Defer, reason);
        }

        // Insecure addresses could lead to any server, so its TLSA records would prove nothing (RFC 7672 section 2.2.3).
        var insecure = withRecords.FirstOrDefault(a => a.Status != SecurityStatus.Secure);
        return insecure is null
            ? null
            : (DaneSmtpRequirement.OpportunisticTls, $"the {insecure.Type} records of the MX host are {insecure.Status}, so DANE does not apply");
    }

    private static SmtpDaneDecision DecideWithRecords(SmtpDaneDecision decision, string baseDomain, string host, string? nextHopDomain, DnsAnswer tlsa)
    {
        var records = tlsa.RecordsOf<TlsaResourceRecord>().Select(TlsaRecord.FromDns).ToList();
        var usable = records.Where(r => r.IsUsableFor(DaneService.Smtp)).ToList();

        // The server certificate must name the TLSA base domain. RFC 7672 section 3.2.3 also accepts
        // the original MX host name and the next-hop domain.
        List<string> identifiers = [baseDomain];
        if (host != baseDomain)
        {
            identifiers.Add(host);
        }

        if (!string.IsNullOrWhiteSpace(nextHopDomain) && !identifiers.Contains(DnsName.Normalize(nextHopDomain)))
        {
            identifiers.Add(DnsName.Normalize(nextHopDomain));
        }

        var withRecords = decision with
        {
            TlsaBaseDomain = baseDomain,
            ReferenceIdentifiers = identifiers,
            TlsaRecords = records,
            UsableRecords = usable,
        };
        return usable.Count > 0
            ? withRecords with { Requirement = DaneSmtpRequirement.AuthenticatedTls, Reason = $"{usable.Count} usable TLSA record(s) at {tlsa.Name}" }
            : withRecords with
            {
                // Unusable records still show that the server supports TLS, so TLS is required without authentication (RFC 7672 section 2.2).
                Requirement = DaneSmtpRequirement.UnauthenticatedTls,
                Reason = $"TLSA records at {tlsa.Name} exist but none is usable for SMTP",
            };
    }
}
