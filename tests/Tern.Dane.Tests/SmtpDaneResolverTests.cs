using Tern.Dns;

namespace Tern.Dane.Tests;

public sealed class SmtpDaneResolverTests
{
    private const string MxHost = "mx.example.org";
    private const string TlsaOwner = "_25._tcp.mx.example.org";

    private static readonly TlsaRecord ServerRecord =
        TlsaGenerator.Create(TestChain.Shared.Server, CertificateUsage.DaneEe, Selector.SubjectPublicKeyInfo, MatchingType.Sha256);

    [Fact]
    public async Task SecureUsableTlsa_RequiresAuthentication()
    {
        var dns = SecureHost().Add(SecurityStatus.Secure, Tlsa(TlsaOwner, ServerRecord));

        var decision = await Resolve(dns, nextHopDomain: "example.org");

        Assert.Equal(DaneSmtpRequirement.AuthenticatedTls, decision.Requirement);
        Assert.Equal(MxHost, decision.TlsaBaseDomain);
        Assert.Equal(MxHost, decision.ServerName);
        Assert.Equal(["mx.example.org", "example.org"], decision.ReferenceIdentifiers);
        Assert.Equal([ServerRecord], decision.UsableRecords);
    }

    [Fact]
    public async Task InsecureAddress_NoDaneAndNoTlsaLookup()
    {
        var dns = new StaticDnsResolver()
            .AddAddresses(MxHost, SecurityStatus.Insecure, "192.0.2.25")
            .Add(SecurityStatus.Secure, Tlsa(TlsaOwner, ServerRecord));

        var decision = await Resolve(dns);

        Assert.Equal(DaneSmtpRequirement.OpportunisticTls, decision.Requirement);
        Assert.Null(decision.TlsaBaseDomain);
        Assert.DoesNotContain(dns.Queries, q => q.Type == DnsRecordType.Tlsa);
    }

    [Fact]
    public async Task InsecureAddressWithFailingTlsa_IsNoError()
    {
        var dns = new StaticDnsResolver()
            .AddAddresses(MxHost, SecurityStatus.Insecure, "192.0.2.25")
            .AddFailure(TlsaOwner, DnsRecordType.Tlsa, DnsFailureKind.ServerFailure);

        var decision = await Resolve(dns);

        Assert.Equal(DaneSmtpRequirement.OpportunisticTls, decision.Requirement);
    }

    [Theory]
    [InlineData(SecurityStatus.Indeterminate)]
    [InlineData(SecurityStatus.Bogus)]
    public async Task TlsaFailureInSecureZone_Defers(SecurityStatus status)
    {
        var dns = SecureHost().AddFailure(TlsaOwner, DnsRecordType.Tlsa, DnsFailureKind.ServerFailure, status);

        var decision = await Resolve(dns);

        Assert.Equal(DaneSmtpRequirement.Defer, decision.Requirement);
        Assert.Contains(TlsaOwner, decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecureTlsaNxDomain_NoDane()
    {
        var dns = SecureHost().AddNxDomain(TlsaOwner, SecurityStatus.Secure);

        var decision = await Resolve(dns);

        Assert.Equal(DaneSmtpRequirement.OpportunisticTls, decision.Requirement);
    }

    [Fact]
    public async Task SecureTlsaNoData_NoDane()
    {
        var dns = SecureHost().AddNoData(TlsaOwner, DnsRecordType.Tlsa, SecurityStatus.Secure);

        var decision = await Resolve(dns);

        Assert.Equal(DaneSmtpRequirement.OpportunisticTls, decision.Requirement);
    }

    [Fact]
    public async Task InsecureTlsa_NoDane()
    {
        var dns = SecureHost().Add(SecurityStatus.Insecure, Tlsa(TlsaOwner, ServerRecord));

        var decision = await Resolve(dns);

        Assert.Equal(DaneSmtpRequirement.OpportunisticTls, decision.Requirement);
    }

    [Fact]
    public async Task OnlyUnusableTlsa_RequiresTlsWithoutAuthentication()
    {
        var digest = new string('A', 64);
        var dns = SecureHost().Add(
            SecurityStatus.Secure,
            Tlsa(TlsaOwner, TlsaRecord.Parse($"0 0 1 {digest}")),
            Tlsa(TlsaOwner, TlsaRecord.Parse($"1 1 1 {digest}")),
            Tlsa(TlsaOwner, TlsaRecord.Parse($"3 2 1 {digest}")));

        var decision = await Resolve(dns);

        Assert.Equal(DaneSmtpRequirement.UnauthenticatedTls, decision.Requirement);
        Assert.Empty(decision.UsableRecords);
        Assert.Equal(3, decision.TlsaRecords.Count);
    }

    [Fact]
    public async Task SecureCname_UsesExpandedName()
    {
        var dns = new StaticDnsResolver()
            .AddCname(MxHost, "mx1.hosting.example", SecurityStatus.Secure)
            .AddAddresses("mx1.hosting.example", SecurityStatus.Secure, "192.0.2.25")
            .Add(SecurityStatus.Secure, Tlsa("_25._tcp.mx1.hosting.example", ServerRecord));

        var decision = await Resolve(dns);

        Assert.Equal(DaneSmtpRequirement.AuthenticatedTls, decision.Requirement);
        Assert.Equal("mx1.hosting.example", decision.TlsaBaseDomain);
        Assert.Equal("mx1.hosting.example", decision.ServerName);
        Assert.Equal(["mx1.hosting.example", MxHost], decision.ReferenceIdentifiers);
    }

    [Fact]
    public async Task SecureCnameNoTlsaAtTarget_UsesOriginalName()
    {
        var dns = new StaticDnsResolver()
            .AddCname(MxHost, "mx1.hosting.example", SecurityStatus.Secure)
            .AddAddresses("mx1.hosting.example", SecurityStatus.Secure, "192.0.2.25")
            .AddNxDomain("_25._tcp.mx1.hosting.example", SecurityStatus.Secure)
            .Add(SecurityStatus.Secure, Tlsa(TlsaOwner, ServerRecord));

        var decision = await Resolve(dns);

        Assert.Equal(DaneSmtpRequirement.AuthenticatedTls, decision.Requirement);
        Assert.Equal(MxHost, decision.TlsaBaseDomain);
        Assert.Equal([MxHost], decision.ReferenceIdentifiers);
        Assert.Equal(
            ["_25._tcp.mx1.hosting.example", TlsaOwner],
            decision.Lookups.Where(l => l.Type == DnsRecordType.Tlsa).Select(l => l.Name));
    }

    [Fact]
    public async Task InsecureCname_NoDane()
    {
        var dns = new StaticDnsResolver()
            .AddCname(MxHost, "mx1.hosting.example", SecurityStatus.Insecure)
            .AddAddresses("mx1.hosting.example", SecurityStatus.Secure, "192.0.2.25")
            .Add(SecurityStatus.Secure, Tlsa(TlsaOwner, ServerRecord));

        var decision = await Resolve(dns);

        Assert.Equal(DaneSmtpRequirement.OpportunisticTls, decision.Requirement);
    }

    [Fact]
    public async Task AddressFailure_Defers()
    {
        var dns = new StaticDnsResolver()
            .AddFailure(MxHost, DnsRecordType.A, DnsFailureKind.Timeout)
            .AddFailure(MxHost, DnsRecordType.Aaaa, DnsFailureKind.Timeout);

        var decision = await Resolve(dns);

        Assert.Equal(DaneSmtpRequirement.Defer, decision.Requirement);
        Assert.Contains("address lookup failed", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decision_ListsEveryLookup()
    {
        var dns = SecureHost().Add(SecurityStatus.Secure, Tlsa(TlsaOwner, ServerRecord));

        var decision = await Resolve(dns);

        Assert.Equal(
            [(MxHost, DnsRecordType.A), (MxHost, DnsRecordType.Aaaa), (TlsaOwner, DnsRecordType.Tlsa)],
            decision.Lookups.Select(l => (l.Name, l.Type)));
        Assert.All(decision.Lookups, l => Assert.Equal(SecurityStatus.Secure, l.Status));
    }

    [Fact]
    public void Decide_RejectsMissingTlsaAnswer()
    {
        var address = new DnsAnswer(MxHost, DnsRecordType.A, DnsOutcome.Records, SecurityStatus.Secure,
            [new AddressRecord(MxHost, 300, System.Net.IPAddress.Parse("192.0.2.25"))]);

        var error = Assert.Throws<ArgumentException>(() => SmtpDanePolicy.Decide(MxHost, null, [address], []));

        Assert.Contains(TlsaOwner, error.Message, StringComparison.Ordinal);
    }

    private static StaticDnsResolver SecureHost() =>
        new StaticDnsResolver().AddAddresses(MxHost, SecurityStatus.Secure, "192.0.2.25");

    private static TlsaResourceRecord Tlsa(string owner, TlsaRecord record) =>
        new(owner, 300, (byte)record.Usage, (byte)record.Selector, (byte)record.MatchingType, record.CertificateAssociationData.ToArray());

    private static Task<SmtpDaneDecision> Resolve(StaticDnsResolver dns, string? nextHopDomain = null) =>
        new SmtpDaneResolver(dns).ResolveAsync(MxHost, nextHopDomain, CancellationToken.None);
}
