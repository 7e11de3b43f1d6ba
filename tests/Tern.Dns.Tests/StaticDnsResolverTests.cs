namespace Tern.Dns.Tests;

public sealed class StaticDnsResolverTests
{
    [Fact]
    public async Task CnameLoop_IsFailure()
    {
        var dns = new StaticDnsResolver()
            .AddCname("a.example.org", "b.example.org", SecurityStatus.Secure)
            .AddCname("b.example.org", "a.example.org", SecurityStatus.Secure);

        var answer = await dns.QueryAsync("a.example.org", DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Failure, answer.Outcome);
        Assert.Equal(DnsFailureKind.CnameLoop, answer.Failure!.Kind);
    }

    [Fact]
    public async Task LongCnameChain_IsFailure()
    {
        var dns = new StaticDnsResolver();
        for (var i = 0; i < 12; i++)
        {
            dns.AddCname($"h{i}.example.org", $"h{i + 1}.example.org", SecurityStatus.Secure);
        }

        dns.AddAddresses("h12.example.org", SecurityStatus.Secure, "192.0.2.1");

        var answer = await dns.QueryAsync("h0.example.org", DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Failure, answer.Outcome);
        Assert.Equal(DnsFailureKind.CnameChainTooLong, answer.Failure!.Kind);
        Assert.True(dns.Queries.Count <= 10);
    }

    [Fact]
    public async Task CnameChain_ReportsEachStepAndWeakestStatus()
    {
        var dns = new StaticDnsResolver()
            .AddCname("mx.example.org", "mx.hosting.example", SecurityStatus.Secure)
            .AddCname("mx.hosting.example", "mx1.hosting.example", SecurityStatus.Insecure)
            .AddAddresses("mx1.hosting.example", SecurityStatus.Secure, "192.0.2.1");

        var answer = await dns.QueryAsync("MX.Example.Org.", DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Records, answer.Outcome);
        Assert.Equal("mx1.hosting.example", answer.CanonicalName);
        Assert.Equal([SecurityStatus.Secure, SecurityStatus.Insecure], answer.CnameChain.Select(s => s.Status));
        Assert.Equal(SecurityStatus.Insecure, answer.Status);
    }

    [Fact]
    public async Task FailureAfterCname_KeepsChain()
    {
        var dns = new StaticDnsResolver()
            .AddCname("mx.example.org", "mx.hosting.example", SecurityStatus.Secure)
            .AddFailure("mx.hosting.example", DnsRecordType.A, DnsFailureKind.ServerFailure);

        var answer = await dns.QueryAsync("mx.example.org", DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Failure, answer.Outcome);
        Assert.Equal(SecurityStatus.Indeterminate, answer.Status);
        Assert.Single(answer.CnameChain);
    }

    [Fact]
    public async Task UnconfiguredType_IsNoDataWithNameStatus()
    {
        var dns = new StaticDnsResolver().AddAddresses("mx.example.org", SecurityStatus.Secure, "192.0.2.1");

        var answer = await dns.QueryAsync("mx.example.org", DnsRecordType.Aaaa, CancellationToken.None);

        Assert.Equal(DnsOutcome.NoData, answer.Outcome);
        Assert.Equal(SecurityStatus.Secure, answer.Status);
    }

    [Fact]
    public void Weakest_OrdersStatuses()
    {
        Assert.Equal(SecurityStatus.Insecure, SecurityStatus.Secure.Weakest(SecurityStatus.Insecure));
        Assert.Equal(SecurityStatus.Indeterminate, SecurityStatus.Insecure.Weakest(SecurityStatus.Indeterminate));
        Assert.Equal(SecurityStatus.Bogus, SecurityStatus.Bogus.Weakest(SecurityStatus.Indeterminate));
        Assert.Equal(SecurityStatus.Secure, SecurityStatus.Secure.Weakest(SecurityStatus.Secure));
    }
}
