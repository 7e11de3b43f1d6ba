using System.Globalization;
using Tern.Dns;

namespace Tern.Dane.Check;

/// <summary>Turns DNS results into a <see cref="HostPlan"/>, with the message operators read first.</summary>
public sealed partial class DaneChecker
{
    private static HostPlan PlanSmtpHost(SmtpDaneDecision decision, int preference)
    {
        var plan = new HostPlan
        {
            Name = decision.MxHost,
            Preference = preference,
            Service = DaneService.Smtp,
            Requirement = decision.Requirement,
            Message = decision.Reason,
            StartTls = true,
            RequiresWebPkiWithoutDane = false,

            // Without DANE there is no TLSA base domain, and the MX host name is the natural SNI.
            ServerName = decision.ServerName ?? decision.MxHost,
            TlsaBaseDomain = decision.TlsaBaseDomain,
            ReferenceIdentifiers = decision.ReferenceIdentifiers,
            TlsaRecords = decision.TlsaRecords,
            UsableRecords = decision.UsableRecords,
            Lookups = decision.Lookups,
        };
        return plan with { Message = DescribeRequirement(plan, "MX host") };
    }

    private async Task<HostPlan> PlanServiceHostAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addressAnswers = await Task.WhenAll(_resolver.QueryAAsync(host, cancellationToken), _resolver.QueryAaaaAsync(host, cancellationToken));
        var plan = new HostPlan
        {
            Name = host,
            Service = DaneService.Other,
            Requirement = DaneSmtpRequirement.OpportunisticTls,
            Message = string.Empty,
            StartTls = false,
            RequiresWebPkiWithoutDane = true,
            ServerName = host,
            ReferenceIdentifiers = [host],
            Lookups = addressAnswers,
        };

        if (!addressAnswers.Any(a => a.Outcome == DnsOutcome.Records))
        {
            return plan with { Requirement = DaneSmtpRequirement.Defer, Message = DescribeRequirement(plan with { Requirement = DaneSmtpRequirement.Defer }, "host") };
        }

        // The CNAME rule of RFC 7671 section 7 is the one SMTP uses: the expanded name first when every
        // alias is secure, then the original name. Insecure addresses give no base domain at all.
        var lookups = new List<DnsAnswer>(addressAnswers);
        foreach (var baseDomain in SmtpDanePolicy.GetTlsaBaseDomains(host, addressAnswers))
        {
            var tlsa = await _resolver.QueryTlsaAsync(baseDomain, port, cancellationToken);
            lookups.Add(tlsa);
            plan = plan with { Lookups = [.. lookups] };
            if (tlsa.Status.IsFailure())
            {
                // A blocked TLSA lookup must not turn into "no DANE", or an attacker could downgrade the check by dropping it.
                plan = plan with { Requirement = DaneSmtpRequirement.Defer };
                break;
            }

            if (tlsa.Status == SecurityStatus.Secure && tlsa.Outcome is DnsOutcome.NxDomain or DnsOutcome.NoData)
            {
                continue;
            }

            if (tlsa.Status == SecurityStatus.Secure)
            {
                var records = tlsa.RecordsOf<TlsaResourceRecord>().Select(TlsaRecord.FromDns).ToList();
                var usable = records.Where(r => r.IsUsableFor(DaneService.Other)).ToList();
                plan = plan with
                {
                    TlsaBaseDomain = baseDomain,
                    TlsaRecords = records,
                    UsableRecords = usable,
                    Requirement = usable.Count > 0 ? DaneSmtpRequirement.AuthenticatedTls : DaneSmtpRequirement.OpportunisticTls,
                };
            }

            break;
        }

        return plan with { Message = DescribeRequirement(plan, "host") };
    }

    /// <summary>
    /// Describes the requirement in operators' words. The wording of the first clause is fixed, so that
    /// scripts can look for it: "DANE not applicable (...)", "TLS required, not authenticated",
    /// "TLSA lookup failed (...); host unusable".
    /// </summary>
    private static string DescribeRequirement(HostPlan plan, string hostKind)
    {
        var addressAnswers = plan.Lookups.Where(a => a.Type is DnsRecordType.A or DnsRecordType.Aaaa).ToList();
        var tlsaAnswers = plan.Lookups.Where(a => a.Type == DnsRecordType.Tlsa).ToList();
        var lastTlsa = tlsaAnswers.Count > 0 ? tlsaAnswers[^1] : null;
        var withoutDane = plan.RequiresWebPkiWithoutDane ? "WebPKI validation decides" : "TLS is used when offered, without authentication";
        switch (plan.Requirement)
        {
            case DaneSmtpRequirement.Defer when addressAnswers.All(a => a.Outcome != DnsOutcome.Records):
                var failed = addressAnswers.FirstOrDefault(a => a.Outcome == DnsOutcome.Failure);
                return failed is not null
                    ? $"address lookup failed ({LookupReport.FailureName(failed.Failure!)}); host unusable"
                    : $"{plan.Name} has no A or AAAA records; host unusable";

            case DaneSmtpRequirement.Defer:
                var failure = lastTlsa?.Failure is { } tlsaFailure ? LookupReport.FailureName(tlsaFailure) : lastTlsa?.Status.ToString() ?? "failed";
                return $"TLSA lookup failed ({failure}); host unusable: a blocked lookup must not downgrade the connection (RFC 7672 section 2.2)";

            case DaneSmtpRequirement.AuthenticatedTls:
                return string.Create(CultureInfo.InvariantCulture,
                    $"DANE applies: {plan.UsableRecords.Count} usable TLSA record(s) at {lastTlsa?.Name}, so the server must match one of them");

            case DaneSmtpRequirement.UnauthenticatedTls:
                return $"TLS required, not authenticated: the TLSA records at {lastTlsa?.Name} exist but none is usable, so authentication is not possible (RFC 7672 section 2.2)";
        }

        var insecure = addressAnswers.FirstOrDefault(a => a.Outcome == DnsOutcome.Records && a.Status != SecurityStatus.Secure);
        if (insecure is not null)
        {
            // No TLSA lookup happens here whatever it would return: insecure addresses could lead anywhere (RFC 7672 section 2.2.3).
            return $"DANE not applicable ({hostKind} insecure): its {LookupReport.TypeName(insecure.Type)} records are {insecure.Status}, so {withoutDane}";
        }

        if (lastTlsa is { Status: SecurityStatus.Insecure })
        {
            return $"DANE not applicable (TLSA records insecure): the answer for {lastTlsa.Name} is not DNSSEC-signed, so {withoutDane}";
        }

        if (plan.TlsaRecords.Count > 0)
        {
            return $"DANE not applicable (no usable TLSA records at {lastTlsa?.Name}), so {withoutDane}";
        }

        return $"DANE not applicable (no TLSA records): DNSSEC proves that {lastTlsa?.Name ?? plan.Name} has none, so {withoutDane}";
    }
}
