using System.Net;
using Tern.Delivery.Remote;
using Tern.Dns;
using Tern.Queue;

namespace Tern.Delivery.Tests.Remote;

public sealed class DestinationResolverTests
{
    private const int Port = 2525;

    [Fact]
    public async Task MxOrder_LowerPreferenceFirst_EqualOnesShuffled()
    {
        var dns = new StaticDnsResolver()
            .Add(SecurityStatus.Insecure,
                new MxRecord("example.net", 3600, 20, "a.example.net"),
                new MxRecord("example.net", 3600, 10, "b.example.net"),
                new MxRecord("example.net", 3600, 10, "c.example.net"));
        var orders = new HashSet<string>();
        for (var seed = 0; seed < 20; seed++)
        {
            var resolver = new MxResolver(dns, new Random(seed));
            var resolution = await resolver.ResolveAsync("example.net", CancellationToken.None);

            Assert.Equal(MxResolutionKind.Hosts, resolution.Kind);
            var names = resolution.Hosts.Select(h => h.Name).ToArray();
            Assert.Equal("a.example.net", names[2]);
            orders.Add(string.Join(",", names));
        }

        Assert.Contains("b.example.net,c.example.net,a.example.net", orders);
        Assert.Contains("c.example.net,b.example.net,a.example.net", orders);
    }

    [Fact]
    public async Task NullMx_BouncesWith5110()
    {
        var dns = new StaticDnsResolver().Add(SecurityStatus.Insecure, new MxRecord("nomail.example", 3600, 0, ""));

        var destination = await Resolve(dns, "nomail.example");

        Assert.Empty(destination.Targets);
        Assert.Equal(DeliveryStatus.Bounced, destination.Failure?.Status);
        Assert.Equal("5.1.10", destination.Failure?.EnhancedStatusCode);
        Assert.Contains("null MX", destination.Failure?.Reply, StringComparison.Ordinal);
        Assert.DoesNotContain(dns.Queries, q => q.Type is DnsRecordType.A or DnsRecordType.Aaaa);
    }

    [Fact]
    public async Task NxDomain_BouncesWith512()
    {
        var dns = new StaticDnsResolver().AddNxDomain("missing.example", SecurityStatus.Insecure);

        var destination = await Resolve(dns, "missing.example");

        Assert.Equal(DeliveryStatus.Bounced, destination.Failure?.Status);
        Assert.Equal("5.1.2", destination.Failure?.EnhancedStatusCode);
    }

    [Theory]
    [InlineData(DnsFailureKind.ServerFailure, SecurityStatus.Indeterminate, "4.4.3")]
    [InlineData(DnsFailureKind.Timeout, SecurityStatus.Indeterminate, "4.4.3")]
    [InlineData(DnsFailureKind.ValidationFailure, SecurityStatus.Bogus, "4.7.5")]
    public async Task MxLookupFailure_DefersWithoutImplicitMx(DnsFailureKind kind, SecurityStatus status, string enhancedStatusCode)
    {
        var dns = new StaticDnsResolver()
            .AddFailure("broken.example", DnsRecordType.Mx, kind, status)
            .AddAddresses("broken.example", SecurityStatus.Insecure, "127.0.0.1");

        var destination = await Resolve(dns, "broken.example");

        Assert.Empty(destination.Targets);
        Assert.Equal(DeliveryStatus.Deferred, destination.Failure?.Status);
        Assert.Equal(enhancedStatusCode, destination.Failure?.EnhancedStatusCode);
        Assert.DoesNotContain(dns.Queries, q => q.Type == DnsRecordType.A);
    }

    [Fact]
    public async Task NoMxRecords_UsesDomainAddresses()
    {
        var dns = new StaticDnsResolver().AddAddresses("plain.example", SecurityStatus.Insecure, "127.0.0.9");

        var destination = await Resolve(dns, "plain.example");

        Assert.Null(destination.Failure);
        var target = Assert.Single(destination.Targets);
        Assert.Equal("plain.example", target.HostName);
        Assert.Equal([IPAddress.Parse("127.0.0.9")], target.Addresses);
    }

    [Fact]
    public async Task NoMxAndNoAddresses_BouncesWith544()
    {
        var dns = new StaticDnsResolver().AddNoData("empty.example", DnsRecordType.Mx, SecurityStatus.Insecure);

        var destination = await Resolve(dns, "empty.example");

        Assert.Equal(DeliveryStatus.Bounced, destination.Failure?.Status);
        Assert.Equal("5.4.4", destination.Failure?.EnhancedStatusCode);
    }

    [Fact]
    public async Task MxHostIsLocalListener_BouncesWith546()
    {
        var dns = new StaticDnsResolver()
            .Add(SecurityStatus.Insecure, new MxRecord("loop.example", 3600, 10, "mx.loop.example"))
            .AddAddresses("mx.loop.example", SecurityStatus.Insecure, "127.0.0.1");

        var destination = await Resolve(dns, "loop.example", new IPEndPoint(IPAddress.Loopback, Port));

        Assert.Equal(DeliveryStatus.Bounced, destination.Failure?.Status);
        Assert.Equal("5.4.6", destination.Failure?.EnhancedStatusCode);
    }

    [Fact]
    public async Task LocalBackupMx_DropsItAndLaterHosts()
    {
        var dns = new StaticDnsResolver()
            .Add(SecurityStatus.Insecure,
                new MxRecord("backup.example", 3600, 10, "primary.backup.example"),
                new MxRecord("backup.example", 3600, 20, "us.backup.example"),
                new MxRecord("backup.example", 3600, 30, "tertiary.backup.example"))
            .AddAddresses("primary.backup.example", SecurityStatus.Insecure, "127.0.0.5")
            .AddAddresses("us.backup.example", SecurityStatus.Insecure, "127.0.0.1")
            .AddAddresses("tertiary.backup.example", SecurityStatus.Insecure, "127.0.0.6");

        var destination = await Resolve(dns, "backup.example", new IPEndPoint(IPAddress.Loopback, Port));

        Assert.Null(destination.Failure);
        var target = Assert.Single(destination.Targets);
        Assert.Equal("primary.backup.example", target.HostName);
    }

    [Fact]
    public async Task WildcardListener_MatchesLoopbackAddresses()
    {
        var dns = new StaticDnsResolver()
            .Add(SecurityStatus.Insecure, new MxRecord("any.example", 3600, 10, "mx.any.example"))
            .AddAddresses("mx.any.example", SecurityStatus.Insecure, "127.0.0.5");

        var destination = await Resolve(dns, "any.example", new IPEndPoint(IPAddress.Any, Port));

        Assert.Equal("5.4.6", destination.Failure?.EnhancedStatusCode);
    }

    [Fact]
    public async Task LocalListenerOnOtherPort_IsNoLoop()
    {
        var dns = new StaticDnsResolver()
            .Add(SecurityStatus.Insecure, new MxRecord("other.example", 3600, 10, "mx.other.example"))
            .AddAddresses("mx.other.example", SecurityStatus.Insecure, "127.0.0.1");

        var destination = await Resolve(dns, "other.example", new IPEndPoint(IPAddress.Loopback, Port + 1));

        Assert.Null(destination.Failure);
        Assert.Single(destination.Targets);
    }

    [Theory]
    [InlineData("[127.0.0.7]", "127.0.0.7")]
    [InlineData("[IPv6:::1]", "::1")]
    public async Task AddressLiteral_TargetsTheAddressWithoutDns(string domain, string expected)
    {
        var dns = new StaticDnsResolver();

        var destination = await Resolve(dns, domain);

        var target = Assert.Single(destination.Targets);
        Assert.True(target.IsAddressLiteral);
        Assert.Equal([IPAddress.Parse(expected)], target.Addresses);
        Assert.Null(destination.NextHopDomain);
        Assert.Empty(dns.Queries);
    }

    [Theory]
    [InlineData("[::1]")]
    [InlineData("[127.1]")]
    [InlineData("[IPv6:127.0.0.1]")]
    [InlineData("[mx.example]")]
    public async Task InvalidAddressLiteral_Bounces(string domain)
    {
        var destination = await Resolve(new StaticDnsResolver(), domain);

        Assert.Equal(DeliveryStatus.Bounced, destination.Failure?.Status);
        Assert.Equal("5.1.2", destination.Failure?.EnhancedStatusCode);
    }

    [Fact]
    public async Task SecureMxAnswer_SetsNextHopDomain()
    {
        var dns = new StaticDnsResolver()
            .Add(SecurityStatus.Secure, new MxRecord("signed.example", 3600, 10, "mx.signed.example"))
            .AddAddresses("mx.signed.example", SecurityStatus.Secure, "127.0.0.1");

        var destination = await Resolve(dns, "signed.example");

        Assert.Equal("signed.example", destination.NextHopDomain);
    }

    private static Task<Destination> Resolve(StaticDnsResolver dns, string domain, params IPEndPoint[] localEndPoints)
    {
        var resolver = new DestinationResolver(dns, new Random(1), new LocalEndPointMatcher(localEndPoints), Port);
        return resolver.ResolveAsync(domain, CancellationToken.None);
    }
}
