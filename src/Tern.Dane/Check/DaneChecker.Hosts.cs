using System.Net;
using System.Net.Security;

namespace Tern.Dane.Check;

/// <summary>Connects to each address of a host and turns what the server presented into a verdict.</summary>
public sealed partial class DaneChecker
{
    private async Task<HostReport> CheckHostAsync(HostPlan plan, int connectPort, CancellationToken cancellationToken)
    {
        var addresses = new List<AddressReport>();
        foreach (var address in plan.Addresses)
        {
            if (plan.Requirement == DaneSmtpRequirement.Defer)
            {
                addresses.Add(AddressReport.Skipped(address, connectPort, "not contacted: the DNS results make the host unusable"));
                continue;
            }

            var probe = await _probe.ProbeAsync(new IPEndPoint(address, connectPort), plan.ServerName, plan.StartTls, cancellationToken);
            addresses.Add(Judge(plan, probe));
        }

        return new HostReport
        {
            Name = plan.Name,
            Preference = plan.Preference,
            Requirement = plan.Requirement,
            Message = plan.Message,
            TlsaBaseDomain = plan.TlsaBaseDomain,
            ReferenceIdentifiers = plan.ReferenceIdentifiers,
            Lookups = [.. plan.Lookups.Select(LookupReport.From)],
            TlsaRecords = [.. plan.TlsaRecords.Select(r => TlsaRecordReport.From(r, plan.Service))],
            Addresses = addresses,
        };
    }

    private AddressReport Judge(HostPlan plan, TlsProbeResult probe)
    {
        var report = new AddressReport
        {
            Address = probe.EndPoint.Address.ToString(),
            Port = probe.EndPoint.Port,
            Verdict = TlsVerdict.NoTls,
            Message = probe.Error ?? string.Empty,
            Greeting = probe.Greeting,
            ServerName = probe.ServerName,
        };
        if (!probe.IsEstablished)
        {
            return report;
        }

        report = report with
        {
            TlsProtocol = probe.Protocol.ToString(),
            CipherSuite = probe.CipherSuite?.ToString(),
            Chain = [.. probe.PresentedChain.Select(CertificateReport.From)],
        };

        var webPki = probe.WebPkiErrors == SslPolicyErrors.None
            ? $"the chain validates against the WebPKI roots for {plan.ServerName}"
            : $"the chain does not validate against the WebPKI roots for {plan.ServerName} ({probe.WebPkiErrors})";
        switch (plan.Requirement)
        {
            case DaneSmtpRequirement.AuthenticatedTls:
                var result = TlsaVerifier.Verify(probe.PresentedChain, plan.UsableRecords, plan.ReferenceIdentifiers, plan.Service, _options.TimeProvider.GetUtcNow());
                LogVerification(plan.Name, result);
                return result.IsVerified
                    ? report with
                    {
                        Verdict = TlsVerdict.Verified,
                        Message = $"DANE {result}",
                        MatchedRecord = result.MatchedRecord!.ToString(),
                        MatchedDepth = result.Depth,
                        MatchedName = result.MatchedName,
                    }
                    : report with { Verdict = TlsVerdict.Untrusted, Message = result.FailureReason! };

            case DaneSmtpRequirement.UnauthenticatedTls:
                return report with
                {
                    Verdict = probe.WebPkiErrors == SslPolicyErrors.None ? TlsVerdict.Trusted : TlsVerdict.Anonymous,
                    Message = $"TLS required, not authenticated: TLS works, but no TLSA record is usable, so authentication was not possible; {webPki}",
                };

            default:
                if (probe.WebPkiErrors == SslPolicyErrors.None)
                {
                    return report with { Verdict = TlsVerdict.Trusted, Message = $"TLS without DANE, and {webPki}" };
                }

                return plan.RequiresWebPkiWithoutDane
                    ? report with { Verdict = TlsVerdict.Untrusted, Message = $"TLS without authentication: DANE does not apply and {webPki}" }
                    : report with { Verdict = TlsVerdict.Anonymous, Message = $"TLS without authentication, which is all opportunistic TLS requires; {webPki}" };
        }
    }

    private void LogVerification(string host, DaneVerificationResult result)
    {
        if (result.IsVerified)
        {
            Log.Verified(_logger, host, result);
        }
        else
        {
            Log.VerificationFailed(_logger, host, result.FailureReason!);
        }
    }
}
