using System.Globalization;
using Tern.Dane.Check;
using Tern.Dns;

namespace Tern.Cli.Commands.Dane;

/// <summary>Writes a <see cref="DaneCheckReport"/> as a text report for a terminal.</summary>
internal static class DaneReportText
{
    public static void Write(TextWriter output, DaneCheckReport report)
    {
        var targetKind = report.Service == "smtp" ? "mail domain" : $"{report.Service} service on";
        var trust = report.ResolverTrusted == true ? "AD bit trusted" : "AD bit not trusted";
        output.WriteLine($"DANE check of {targetKind} {report.Domain}");
        output.WriteLine(Invariant($"  TLSA port {report.TlsaPort}, connecting to port {report.ConnectPort}, resolver {report.Resolver ?? "-"} ({trust})"));
        output.WriteLine($"  checked at {report.CheckedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
        if (report.MxLookup is { } mx)
        {
            output.WriteLine();
            WriteLookup(output, "MX lookup", mx);
        }

        if (report.ImplicitMx)
        {
            output.WriteLine("  no MX records: the domain's own addresses serve as the implicit MX (RFC 5321 section 5.1)");
        }

        if (report.Message is { } message)
        {
            output.WriteLine($"  {message}");
        }

        foreach (var host in report.Hosts)
        {
            output.WriteLine();
            WriteHost(output, host);
        }

        output.WriteLine();
        output.WriteLine(report.Passed
            ? "Result: PASS (every address verified, or DANE does not apply and TLS works)"
            : "Result: FAIL (see the messages above)");
    }

    private static void WriteHost(TextWriter output, HostReport host)
    {
        var preference = host.Preference is { } value ? Invariant($" (preference {value})") : string.Empty;
        output.WriteLine($"Host {host.Name}{preference}");
        output.WriteLine($"  {host.Message}");
        foreach (var lookup in host.Lookups)
        {
            WriteLookup(output, "lookup", lookup);
        }

        if (host.TlsaRecords.Count > 0)
        {
            output.WriteLine($"  TLSA records at the base domain {host.TlsaBaseDomain}:");
            foreach (var record in host.TlsaRecords)
            {
                output.WriteLine(record.Usable ? $"    {record.Record}  usable" : $"    {record.Record}  unusable: {record.UnusableReason}");
            }
        }

        if (host.ReferenceIdentifiers.Count > 0)
        {
            output.WriteLine($"  certificate names accepted: {string.Join(", ", host.ReferenceIdentifiers)}");
        }

        foreach (var address in host.Addresses)
        {
            WriteAddress(output, address);
        }
    }

    private static void WriteAddress(TextWriter output, AddressReport address)
    {
        output.WriteLine(Invariant($"  {address.Address} port {address.Port}: {address.Verdict}"));
        output.WriteLine($"    {address.Message}");
        if (address.Greeting is { } greeting)
        {
            output.WriteLine($"    greeting: {greeting}");
        }

        if (address.TlsProtocol is { } protocol)
        {
            output.WriteLine($"    TLS: {protocol}, {address.CipherSuite}, SNI {address.ServerName ?? "(none)"}");
        }

        for (var depth = 0; depth < address.Chain.Count; depth++)
        {
            var certificate = address.Chain[depth];
            output.WriteLine(Invariant($"    certificate {depth}: {certificate.Subject}"));
            output.WriteLine($"      issuer {certificate.Issuer}");
            output.WriteLine($"      valid {certificate.NotBefore.UtcDateTime:yyyy-MM-dd HH:mm:ss} to {certificate.NotAfter.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
            output.WriteLine($"      SPKI SHA-256 {certificate.SpkiSha256}");
        }

        if (address.MatchedRecord is { } matched)
        {
            var name = address.MatchedName is null ? string.Empty : $", name {address.MatchedName}";
            output.WriteLine(Invariant($"    matched TLSA {matched} at depth {address.MatchedDepth}{name}"));
        }
    }

    private static void WriteLookup(TextWriter output, string label, LookupReport lookup)
    {
        var outcome = lookup.Outcome switch
        {
            DnsOutcome.Records => string.Join(", ", lookup.Records),
            DnsOutcome.Failure => $"failed ({lookup.Failure})",
            DnsOutcome.NxDomain => "NXDOMAIN",
            _ => "NODATA",
        };
        output.WriteLine($"  {label} {lookup.Name} {lookup.Type}: {outcome} [{lookup.Status}]");
        foreach (var step in lookup.CnameChain)
        {
            output.WriteLine($"    CNAME {step.Alias} -> {step.Target} [{step.Status}]");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
