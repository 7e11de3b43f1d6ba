using Tern.IntegrationTests.Infrastructure;

namespace Tern.IntegrationTests.Dane;

/// <summary>
/// <c>tern dane check</c> against every zone and HTTPS server of the DNSSEC lab: the verdict must be
/// the one lab.json gives, and must agree with Postfix's posttls-finger.
/// </summary>
[Collection(LabCollectionDefinition.Name)]
public sealed class DaneCheckTests(LabFixture lab)
{
    [Fact]
    public async Task CheckJson_EveryLabZone_GivesLabVerdict()
    {
        var failures = new List<string>();
        foreach (var zone in lab.Zones)
        {
            var result = await CheckAsync(zone.Domain, "--json");
            var report = DaneCheckReportJson.Parse(result.StandardOutput);
            failures.AddRange(CompareWithLab(zone, result.ExitCode, report).Select(problem => $"{zone.Domain} ({zone.Verdict}): {problem}"));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Check_EveryLabZone_AgreesWithPostTlsFinger()
    {
        var failures = new List<string>();
        foreach (var zone in lab.Zones)
        {
            var finger = await ExternalTool.RunAsync(
                Path.Combine(lab.LabDirectory, "posttls-finger.sh"), ["-t30", "-c", "-l", "dane", "-P", "/etc/ssl/certs", zone.Domain]);
            var fingerVerified = (finger.StandardOutput + finger.StandardError).Contains("Verified TLS connection established", StringComparison.Ordinal);

            var report = DaneCheckReportJson.Parse((await CheckAsync(zone.Domain, "--json")).StandardOutput);
            var ternVerified = report.Addresses.Any(a => a.Verdict == "Verified");
            if (fingerVerified != ternVerified)
            {
                failures.Add($"{zone.Domain}: posttls-finger verified {fingerVerified}, tern verified {ternVerified}\n{finger}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Check_Mismatch_ReportsNoMatchAndFails()
    {
        var text = await CheckAsync("mismatch.example");
        var json = await CheckAsync("mismatch.example", "--json");

        Assert.Equal(1, text.ExitCode);
        Assert.Contains("none of the TLSA records match", text.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("127.25.0.3 port 25: Untrusted", text.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        var address = Assert.Single(DaneCheckReportJson.Parse(json.StandardOutput).Addresses);
        Assert.Equal("Untrusted", address.Verdict);
        Assert.Contains("none of the TLSA records match", address.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_InsecureMxHost_DaneNotApplicable()
    {
        var text = await CheckAsync("insecure-mx.example");
        var report = DaneCheckReportJson.Parse((await CheckAsync("insecure-mx.example", "--json")).StandardOutput);

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("DANE not applicable (MX host insecure)", text.StandardOutput, StringComparison.Ordinal);
        var host = Assert.Single(report.Hosts);
        Assert.Equal("OpportunisticTls", host.Requirement);
        Assert.StartsWith("DANE not applicable (MX host insecure)", host.Message, StringComparison.Ordinal);
        Assert.Equal("Anonymous", Assert.Single(host.Addresses).Verdict);
    }

    [Fact]
    public async Task Check_TlsaServfail_HostUnusable()
    {
        var text = await CheckAsync("servfail.example");
        var report = DaneCheckReportJson.Parse((await CheckAsync("servfail.example", "--json")).StandardOutput);

        Assert.Equal(1, text.ExitCode);
        Assert.Contains("TLSA lookup failed (SERVFAIL); host unusable", text.StandardOutput, StringComparison.Ordinal);
        var host = Assert.Single(report.Hosts);
        Assert.Equal("Defer", host.Requirement);
        Assert.Equal("Skipped", Assert.Single(host.Addresses).Verdict);
        Assert.False(report.Passed);
    }

    [Fact]
    public async Task Check_OnlyUnusableRecords_TlsRequiredNotAuthenticated()
    {
        var text = await CheckAsync("unusable.example");
        var report = DaneCheckReportJson.Parse((await CheckAsync("unusable.example", "--json")).StandardOutput);

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("TLS required, not authenticated", text.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("authentication was not possible", text.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("unusable: certificate usage PKIX-TA(0) does not apply to SMTP", text.StandardOutput, StringComparison.Ordinal);
        var host = Assert.Single(report.Hosts);
        Assert.Equal("UnauthenticatedTls", host.Requirement);
        Assert.Equal("Anonymous", Assert.Single(host.Addresses).Verdict);
    }

    [Fact]
    public async Task Check_DaneTa_CapturesBothSentCertificates()
    {
        var report = DaneCheckReportJson.Parse((await CheckAsync("dane-ta.example", "--json")).StandardOutput);

        var address = Assert.Single(report.Addresses);
        Assert.Equal("Verified", address.Verdict);
        Assert.Equal(2, address.ChainLength);
        Assert.StartsWith("2 0 1 ", address.MatchedRecord, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("www.dane-ee.example", 0, "Verified", "DANE verified by TLSA 3 1 1")]
    [InlineData("www.dane-ta.example", 0, "Verified", "DANE verified by TLSA 2 0 1")]
    [InlineData("www.mismatch.example", 1, "Untrusted", "none of the TLSA records match")]
    public async Task CheckHttps_LabServer_GivesVerdict(string host, int exitCode, string verdict, string message)
    {
        var result = await TernCli.RunAsync(["dane", "check", "--service", "https", host, "--json", "--resolver", lab.Resolver]);
        var report = DaneCheckReportJson.Parse(result.StandardOutput);

        Assert.Equal(exitCode, result.ExitCode);
        var address = Assert.Single(report.Addresses);
        Assert.Equal(verdict, address.Verdict);
        Assert.Contains(message, address.Message, StringComparison.Ordinal);
        var labHost = lab.Zones.SelectMany(z => z.Https).Single(h => h.Host == host);
        Assert.Equal(labHost.Verified, verdict == "Verified");
    }

    [Fact]
    public async Task CheckHttps_PortInTarget_UsesThatTlsaName()
    {
        // Nothing listens on 127.44.0.1:8443 and the lab has no _8443._tcp records: a secure denial, then a refused connection.
        var result = await TernCli.RunAsync(["dane", "check", "--service", "https", "www.dane-ee.example:8443", "--resolver", lab.Resolver]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("_8443._tcp.www.dane-ee.example", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("127.44.0.1 port 8443: NoTls", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad..example", "bad..example")]
    [InlineData("-bad.example", "-bad")]
    [InlineData("127.0.0.1", "not an address")]
    public async Task Check_InvalidDomain_ExitsTwoNamingIt(string domain, string expected)
    {
        var result = await TernCli.RunAsync(["dane", "check", domain, "--resolver", lab.Resolver]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
    }

    [Theory]
    [InlineData("resolver.example")]
    [InlineData("127.0.0.1:99999")]
    public async Task Check_InvalidResolver_ExitsTwoNamingIt(string resolver)
    {
        var result = await TernCli.RunAsync(["dane", "check", "dane-ee.example", "--resolver", resolver]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"invalid resolver address '{resolver}'", result.StandardError, StringComparison.Ordinal);
    }

    private Task<TernCli.Result> CheckAsync(string domain, params string[] extra) =>
        TernCli.RunAsync(["dane", "check", domain, "--resolver", lab.Resolver, .. extra]);

    /// <summary>Returns every way the exit code and report differ from what the lab's verdict requires.</summary>
    private static IEnumerable<string> CompareWithLab(LabZone zone, int exitCode, DaneCheckReportJson report)
    {
        var (expectedExit, requirement, verdicts) = zone.Verdict switch
        {
            "authenticated-tls" => (0, "AuthenticatedTls", new[] { "Verified" }),
            "authentication-failure" => (1, "AuthenticatedTls", ["Untrusted"]),
            "unauthenticated-tls-required" => (0, "UnauthenticatedTls", ["Anonymous", "Trusted"]),
            "opportunistic-tls" => (0, "OpportunisticTls", ["Anonymous", "Trusted"]),
            "tlsa-lookup-failure" => (1, "Defer", ["Skipped"]),
            "mx-lookup-failure" => (1, null, []),
            "null-mx" => (0, null, []),
            _ => throw new InvalidOperationException($"unknown lab verdict {zone.Verdict}"),
        };

        if (exitCode != expectedExit)
        {
            yield return $"exit code {exitCode}, expected {expectedExit}";
        }

        if (requirement is null)
        {
            if (report.Hosts.Count != 0)
            {
                yield return $"{report.Hosts.Count} hosts checked, expected none";
            }

            if (zone.Verdict == "null-mx" && !report.NullMx)
            {
                yield return "nullMx is false";
            }

            if (zone.Verdict == "mx-lookup-failure" && report.MxOutcome != "Failure")
            {
                yield return $"MX outcome {report.MxOutcome}, expected Failure";
            }

            yield break;
        }

        if (report.Hosts.Count == 0)
        {
            yield return "no host checked";
        }

        foreach (var host in report.Hosts.Where(h => h.Requirement != requirement))
        {
            yield return $"{host.Name} requirement {host.Requirement}, expected {requirement}";
        }

        foreach (var address in report.Addresses.Where(a => !verdicts.Contains(a.Verdict)))
        {
            yield return $"{address.Ip} verdict {address.Verdict} ({address.Message}), expected {string.Join(" or ", verdicts)}";
        }
    }
}
