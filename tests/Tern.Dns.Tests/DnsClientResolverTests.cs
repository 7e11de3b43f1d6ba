using System.Net;
using Microsoft.Extensions.Time.Testing;
using static Tern.Dns.Tests.DnsMessage;

namespace Tern.Dns.Tests;

public sealed class DnsClientResolverTests
{
    private const string Host = "mx.example.org";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task AdBitFromLoopback_IsSecure()
    {
        await using var server = new FakeDnsServer(q => Response(q, authenticData: true, answers: [A(q.Name, 300, "192.0.2.1")]));

        var answer = await CreateResolver(server).QueryAsync(Host, DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Records, answer.Outcome);
        Assert.Equal(SecurityStatus.Secure, answer.Status);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), Assert.Single(answer.RecordsOf<AddressRecord>()).Address);
    }

    [Fact]
    public async Task NoAdBit_IsInsecure()
    {
        await using var server = new FakeDnsServer(q => Response(q, answers: [A(q.Name, 300, "192.0.2.1")]));

        var answer = await CreateResolver(server).QueryAsync(Host, DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Records, answer.Outcome);
        Assert.Equal(SecurityStatus.Insecure, answer.Status);
    }

    [Fact]
    public async Task Query_SetsDoAndRdBits()
    {
        await using var server = new FakeDnsServer(q => Response(q, answers: [A(q.Name, 300, "192.0.2.1")]));

        await CreateResolver(server).QueryAsync(Host, DnsRecordType.A, CancellationToken.None);

        var query = Assert.Single(server.Received);
        Assert.True(query.DnssecOk);
        Assert.True(query.RecursionDesired);
    }

    [Fact]
    public async Task ServFail_IsFailureNotNoRecords()
    {
        await using var server = new FakeDnsServer(q => Response(q, rcode: ServFail));

        var answer = await CreateResolver(server).QueryAsync(Host, DnsRecordType.Tlsa, CancellationToken.None);

        Assert.Equal(DnsOutcome.Failure, answer.Outcome);
        Assert.Equal(SecurityStatus.Indeterminate, answer.Status);
        Assert.Equal(DnsFailureKind.ServerFailure, answer.Failure!.Kind);
        Assert.Empty(answer.Records);
    }

    [Fact]
    public async Task ServFail_AnsweredWithCheckingDisabled_IsBogus()
    {
        // Byte 3 of a query contains the CD bit (0x10): a validating resolver answers that query, because
        // it skips validation, while the normal query fails validation with SERVFAIL.
        await using var server = new FakeDnsServer(q => (q.Raw[3] & 0x10) != 0
            ? Response(q, answers: [A(q.Name, 300, "192.0.2.1")])
            : Response(q, rcode: ServFail));

        var answer = await CreateResolver(server).QueryAsync(Host, DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Failure, answer.Outcome);
        Assert.Equal(SecurityStatus.Bogus, answer.Status);
        Assert.Equal(DnsFailureKind.ValidationFailure, answer.Failure!.Kind);
        Assert.Empty(answer.Records);
        Assert.Equal(2, server.UdpQueries);
    }

    [Fact]
    public async Task ServFail_IsNotPassedToNextServer()
    {
        await using var failing = new FakeDnsServer(q => Response(q, rcode: ServFail));
        await using var answering = new FakeDnsServer(q => Response(q, answers: [A(q.Name, 300, "192.0.2.1")]));

        var answer = await CreateResolver(failing, answering).QueryAsync(Host, DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Failure, answer.Outcome);
        Assert.Equal(0, answering.UdpQueries);
    }

    [Fact]
    public async Task Refused_IsFailure()
    {
        await using var server = new FakeDnsServer(q => Response(q, rcode: Refused));

        var answer = await CreateResolver(server).QueryAsync(Host, DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Failure, answer.Outcome);
        Assert.Equal(DnsFailureKind.Refused, answer.Failure!.Kind);
    }

    [Fact]
    public async Task NxDomain_IsDistinctFromNoData()
    {
        await using var server = new FakeDnsServer(q => q.Type == TypeA
            ? Response(q, rcode: NxDomain, authenticData: true, authorities: [Soa("example.org", 600, 60)])
            : Response(q, authenticData: true, authorities: [Soa("example.org", 600, 60)]));
        var resolver = CreateResolver(server);

        var nxDomain = await resolver.QueryAsync(Host, DnsRecordType.A, CancellationToken.None);
        var noData = await resolver.QueryAsync(Host, DnsRecordType.Tlsa, CancellationToken.None);

        Assert.Equal(DnsOutcome.NxDomain, nxDomain.Outcome);
        Assert.Equal(SecurityStatus.Secure, nxDomain.Status);
        Assert.Equal(DnsOutcome.NoData, noData.Outcome);
        Assert.Equal(SecurityStatus.Secure, noData.Status);
    }

    [Fact]
    public async Task NegativeAnswer_IsCachedForSoaMinimum()
    {
        // The SOA TTL is 600 s but its MINIMUM field is 60 s, so the denial may be kept for 60 s (RFC 2308 section 5).
        await using var server = new FakeDnsServer(q => Response(q, rcode: NxDomain, authorities: [Soa("example.org", 600, 60)]));
        var resolver = CreateResolver(server);

        await resolver.QueryAsync(Host, DnsRecordType.A, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(59));
        var cached = await resolver.QueryAsync(Host, DnsRecordType.A, CancellationToken.None);
        Assert.Equal(1, server.UdpQueries);
        Assert.Equal(DnsOutcome.NxDomain, cached.Outcome);

        _time.Advance(TimeSpan.FromSeconds(2));
        await resolver.QueryAsync(Host, DnsRecordType.A, CancellationToken.None);
        Assert.Equal(2, server.UdpQueries);
    }

    [Fact]
    public async Task NegativeAnswerWithoutSoa_IsNotCached()
    {
        await using var server = new FakeDnsServer(q => Response(q, rcode: NxDomain));
        var resolver = CreateResolver(server);

        await resolver.QueryAsync(Host, DnsRecordType.A, CancellationToken.None);
        await resolver.QueryAsync(Host, DnsRecordType.A, CancellationToken.None);

        // Each SERVFAIL is also probed once with checking disabled (CD bit, 0x10 in byte 3).
        Assert.Equal(2, server.Received.Count(query => (query.Raw[3] & 0x10) == 0));
    }

    [Fact]
    public async Task PositiveAnswer_IsCachedWithinTtl()
    {
        await using var server = new FakeDnsServer(q => Response(q, authenticData: true, answers: [A(q.Name, 300, "192.0.2.1")]));
        var resolver = CreateResolver(server);

        await resolver.QueryAsync(Host, DnsRecordType.A, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(299));
        var cached = await resolver.QueryAsync(Host, DnsRecordType.A, CancellationToken.None);
        Assert.Equal(1, server.UdpQueries);
        Assert.Equal(SecurityStatus.Secure, cached.Status);

        _time.Advance(TimeSpan.FromSeconds(2));
        await resolver.QueryAsync(Host, DnsRecordType.A, CancellationToken.None);
        Assert.Equal(2, server.UdpQueries);
    }

    [Fact]
    public async Task Failure_IsNotCached()
    {
        await using var server = new FakeDnsServer(q => Response(q, rcode: ServFail));
        var resolver = CreateResolver(server);

        await resolver.QueryAsync(Host, DnsRecordType.A, CancellationToken.None);
        await resolver.QueryAsync(Host, DnsRecordType.A, CancellationToken.None);

        // Each SERVFAIL is also probed once with checking disabled (CD bit, 0x10 in byte 3).
        Assert.Equal(2, server.Received.Count(query => (query.Raw[3] & 0x10) == 0));
    }

    [Fact]
    public async Task Cache_IsBounded()
    {
        await using var server = new FakeDnsServer(q => Response(q, answers: [A(q.Name, 300, "192.0.2.1")]));
        var options = Options(server);
        options.MaxCacheEntries = 10;
        var resolver = new DnsClientResolver(options, timeProvider: _time);

        for (var i = 0; i < 25; i++)
        {
            await resolver.QueryAsync($"host{i}.example.org", DnsRecordType.A, CancellationToken.None);
        }

        Assert.InRange(resolver.CachedResponseCount, 1, 10);
    }

    [Fact]
    public async Task Truncated_IsCompletedOverTcp()
    {
        await using var server = new FakeDnsServer(
            q => Response(q, truncated: true),
            q => Response(q, authenticData: true, answers: [A(q.Name, 300, "192.0.2.1")]));

        var answer = await CreateResolver(server).QueryAsync(Host, DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Records, answer.Outcome);
        Assert.Equal(SecurityStatus.Secure, answer.Status);
        Assert.Equal(1, server.TcpQueries);
    }

    [Fact]
    public async Task TruncatedWithoutTcp_IsFailure()
    {
        await using var server = new FakeDnsServer(q => Response(q, truncated: true));

        var answer = await CreateResolver(server).QueryAsync(Host, DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Failure, answer.Outcome);
        Assert.Equal(SecurityStatus.Indeterminate, answer.Status);
        Assert.Equal(DnsFailureKind.NetworkError, answer.Failure!.Kind);
        Assert.Contains("TCP", answer.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoResponse_IsTimeoutFailure()
    {
        await using var server = new FakeDnsServer(_ => null);
        var options = Options(server);
        options.Timeout = TimeSpan.FromMilliseconds(200);

        var answer = await new DnsClientResolver(options, timeProvider: _time).QueryAsync(Host, DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Failure, answer.Outcome);
        Assert.Equal(DnsFailureKind.Timeout, answer.Failure!.Kind);
        Assert.Equal(SecurityStatus.Indeterminate, answer.Status);
    }

    [Fact]
    public async Task MalformedResponse_IsFailure()
    {
        // DnsClient retries over TCP when a UDP response does not parse, so both transports send a cut response.
        static byte[] Cut(DnsQuery q) => Response(q, answers: [A(q.Name, 300, "192.0.2.1")])[..^3];
        await using var server = new FakeDnsServer(Cut, Cut);

        var answer = await CreateResolver(server).QueryAsync(Host, DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Failure, answer.Outcome);
        Assert.Equal(SecurityStatus.Indeterminate, answer.Status);
        Assert.Equal(DnsFailureKind.Malformed, answer.Failure!.Kind);
    }

    [Fact]
    public async Task CnameChainInOneResponse_IsFollowed()
    {
        await using var server = new FakeDnsServer(q => Response(q, authenticData: true, answers:
        [
            Cname(Host, 300, "mail.example.net"),
            A("mail.example.net", 300, "192.0.2.7"),
        ]));

        var answer = await CreateResolver(server).QueryAsync(Host, DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Records, answer.Outcome);
        Assert.Equal("mail.example.net", answer.CanonicalName);
        var step = Assert.Single(answer.CnameChain);
        Assert.Equal(new CnameStep(Host, "mail.example.net", SecurityStatus.Secure), step);
        Assert.Equal(SecurityStatus.Secure, answer.Status);
    }

    [Fact]
    public async Task UnfinishedCnameChain_IsContinuedWithWeakestStatus()
    {
        await using var server = new FakeDnsServer(q => q.Name == Host
            ? Response(q, authenticData: true, answers: [Cname(Host, 300, "mail.example.net")])
            : Response(q, answers: [A(q.Name, 300, "192.0.2.7")]));

        var answer = await CreateResolver(server).QueryAsync(Host, DnsRecordType.A, CancellationToken.None);

        Assert.Equal(DnsOutcome.Records, answer.Outcome);
        Assert.Equal(SecurityStatus.Secure, Assert.Single(answer.CnameChain).Status);
        Assert.Equal(SecurityStatus.Insecure, answer.Status);
        Assert.Equal(2, server.UdpQueries);
    }

    [Fact]
    public async Task TlsaRecord_IsParsed()
    {
        byte[] digest = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        await using var server = new FakeDnsServer(q => Response(q, authenticData: true, answers: [Tlsa(q.Name, 300, 3, 1, 1, digest)]));

        var answer = await CreateResolver(server).QueryTlsaAsync(Host, 25, CancellationToken.None);

        Assert.Equal("_25._tcp.mx.example.org", answer.Name);
        var tlsa = Assert.Single(answer.RecordsOf<TlsaResourceRecord>());
        Assert.Equal(3, tlsa.CertificateUsage);
        Assert.Equal(1, tlsa.Selector);
        Assert.Equal(1, tlsa.MatchingType);
        Assert.Equal(digest, tlsa.CertificateAssociationData.ToArray());
    }

    [Fact]
    public void AdBit_IsTrustedOnlyOnLoopbackOrWhenListed()
    {
        var options = new DnsResolverOptions();
        options.TrustedNameServers.Add(IPAddress.Parse("192.0.2.53"));
        var resolver = new DnsClientResolver(options);

        Assert.True(resolver.IsTrusted(IPAddress.Loopback));
        Assert.True(resolver.IsTrusted(IPAddress.Parse("127.0.0.53")));
        Assert.True(resolver.IsTrusted(IPAddress.IPv6Loopback));
        Assert.True(resolver.IsTrusted(IPAddress.Parse("192.0.2.53")));
        Assert.False(resolver.IsTrusted(IPAddress.Parse("192.0.2.54")));
        Assert.False(resolver.IsTrusted(IPAddress.Parse("2001:db8::53")));
    }

    [Fact]
    public void UntrustedResolver_IsLoggedOnce()
    {
        // Creating the resolver sends nothing, so a documentation address (RFC 5737) is safe here.
        var options = new DnsResolverOptions();
        options.NameServers.Add(new IPEndPoint(IPAddress.Parse("192.0.2.53"), 53));
        options.NameServers.Add(new IPEndPoint(IPAddress.Loopback, 53));
        var logger = new ListLogger<DnsClientResolver>();

        _ = new DnsClientResolver(options, logger);

        var warning = Assert.Single(logger.Entries);
        Assert.Equal(2002, warning.EventId.Id);
        Assert.Contains("192.0.2.53", warning.Message, StringComparison.Ordinal);
    }

    private DnsClientResolver CreateResolver(params FakeDnsServer[] servers) =>
        new(Options(servers), timeProvider: _time);

    private static DnsResolverOptions Options(params FakeDnsServer[] servers)
    {
        var options = new DnsResolverOptions { Timeout = TimeSpan.FromSeconds(3), Retries = 0 };
        foreach (var server in servers)
        {
            options.NameServers.Add(server.EndPoint);
        }

        return options;
    }
}
