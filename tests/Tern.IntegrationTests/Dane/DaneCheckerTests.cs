using Tern.Dane;
using Tern.Dane.Check;
using Tern.Dns;

namespace Tern.IntegrationTests.Dane;

/// <summary>
/// <see cref="DaneChecker"/> in process, with DNS answers from a <see cref="StaticDnsResolver"/> and
/// the lab's real SMTP server for mx.dane-ee.example, for DNS cases the lab zones do not cover.
/// </summary>
[Collection(LabCollectionDefinition.Name)]
public sealed class DaneCheckerTests(LabFixture lab)
{
    private const string Domain = "hosted.example";
    private const string MxHost = "mx.provider.example";

    [Fact]
    public async Task Checker_InsecureMxSecureHost_UsesHostTlsaWithoutDomainName()
    {
        var report = await CheckAsync(mxStatus: SecurityStatus.Insecure);

        // RFC 7672 section 2.2.1 lets DANE apply to a secure MX host of an insecure MX RRset, but an
        // insecure MX RRset may be forged, so the domain is no certificate name then.
        var host = Assert.Single(report.Hosts);
        Assert.Equal(DaneSmtpRequirement.AuthenticatedTls, host.Requirement);
        Assert.Equal([MxHost], host.ReferenceIdentifiers);
        Assert.Equal(TlsVerdict.Verified, Assert.Single(host.Addresses).Verdict);
        Assert.True(report.Passed);
        Assert.Contains("MX RRset is Insecure", report.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checker_SecureMx_AcceptsDomainAsName()
    {
        var report = await CheckAsync(mxStatus: SecurityStatus.Secure);

        var host = Assert.Single(report.Hosts);
        Assert.Equal([MxHost, Domain], host.ReferenceIdentifiers);
        Assert.Equal(TlsVerdict.Verified, Assert.Single(host.Addresses).Verdict);
        Assert.Null(report.Message);
    }

    [Fact]
    public async Task Checker_MxSortedByPreferenceThenName()
    {
        var resolver = new StaticDnsResolver()
            .Add(SecurityStatus.Secure,
                new MxRecord(Domain, 3600, 20, "a.provider.example"),
                new MxRecord(Domain, 3600, 10, "c.provider.example"),
                new MxRecord(Domain, 3600, 10, "b.provider.example"))
            .AddNxDomain("a.provider.example", SecurityStatus.Secure)
            .AddNxDomain("b.provider.example", SecurityStatus.Secure)
            .AddNxDomain("c.provider.example", SecurityStatus.Secure);

        var report = await new DaneChecker(resolver).CheckMailDomainAsync(Domain, CancellationToken.None);

        Assert.Equal(["b.provider.example", "c.provider.example", "a.provider.example"], report.Hosts.Select(h => h.Name));
        Assert.All(report.Hosts, h => Assert.Equal($"{h.Name} has no A or AAAA records; host unusable", h.Message));
        Assert.False(report.Passed);
    }

    [Fact]
    public async Task Checker_NxDomain_FailsWithoutHosts()
    {
        var resolver = new StaticDnsResolver().AddNxDomain(Domain, SecurityStatus.Secure);

        var report = await new DaneChecker(resolver).CheckMailDomainAsync(Domain, CancellationToken.None);

        Assert.False(report.Passed);
        Assert.Empty(report.Hosts);
        Assert.Contains("does not exist (NXDOMAIN)", report.Message, StringComparison.Ordinal);
    }

    private async Task<DaneCheckReport> CheckAsync(SecurityStatus mxStatus)
    {
        var server = lab.Server("mx.dane-ee.example");
        var record = Assert.Single(lab.ExpectedAnswer("_25._tcp.mx.dane-ee.example", "TLSA"));
        var tlsa = TlsaRecord.Parse(record);
        var resolver = new StaticDnsResolver()
            .Add(mxStatus, new MxRecord(Domain, 3600, 10, MxHost))
            .AddAddresses(MxHost, SecurityStatus.Secure, server.Address)
            .AddNoData(MxHost, DnsRecordType.Aaaa, SecurityStatus.Secure)
            .Add(SecurityStatus.Secure, new TlsaResourceRecord(
                DnsName.TlsaOwner(MxHost, 25), 3600, (byte)tlsa.Usage, (byte)tlsa.Selector, (byte)tlsa.MatchingType, tlsa.CertificateAssociationData));

        return await new DaneChecker(resolver).CheckMailDomainAsync(Domain, CancellationToken.None);
    }
}
