using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Dns;

namespace Tern.Benchmarks;

/// <summary>
/// The DNS layer's own work per lookup: turning a parsed DnsClient response into a
/// <see cref="DnsAnswer"/>, and answering from the cache. Sockets and packet parsing are not measured.
/// </summary>
[MemoryDiagnoser]
public class DnsAnswerBenchmarks
{
    private const string TlsaOwner = "_25._tcp.mx.bench.example";
    private const string MailDomain = "bench.example";

    private DnsClientResolver _resolver = null!;
    private FakeQueryResponse _tlsaResponse = null!;
    private FakeQueryResponse _mxResponse = null!;
    private DnsCache _cache = null!;

    [GlobalSetup]
    public void Setup()
    {
        // The constructor sends nothing; the resolver is used only to classify responses.
        var options = new DnsResolverOptions();
        options.NameServers.Add(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 53));
        _resolver = new DnsClientResolver(options);

        _tlsaResponse = new FakeQueryResponse(TlsaOwner, QueryType.TLSA,
        [
            new DnsClient.Protocol.TlsaRecord(Info(TlsaOwner, ResourceRecordType.TLSA), 3, 1, 1, RandomNumberGenerator.GetBytes(32)),
            new DnsClient.Protocol.TlsaRecord(Info(TlsaOwner, ResourceRecordType.TLSA), 2, 0, 1, RandomNumberGenerator.GetBytes(32)),
        ]);
        _mxResponse = new FakeQueryResponse(MailDomain, QueryType.MX,
        [
            new DnsClient.Protocol.MxRecord(Info(MailDomain, ResourceRecordType.MX), 10, DnsString.Parse("a.bench.example.")),
            new DnsClient.Protocol.MxRecord(Info(MailDomain, ResourceRecordType.MX), 10, DnsString.Parse("b.bench.example.")),
            new DnsClient.Protocol.MxRecord(Info(MailDomain, ResourceRecordType.MX), 20, DnsString.Parse("c.bench.example.")),
        ]);

        _cache = new DnsCache(TimeProvider.System, options.MaxCacheEntries, options.MaxTtl, options.MaxNegativeTtl);
        _cache.Store(TlsaOwner, DnsRecordType.Tlsa, _resolver.Classify(TlsaOwner, _tlsaResponse));
    }

    [Benchmark(Description = "TLSA response (2 records) to DnsAnswer")]
    public Task<DnsAnswer> TlsaResponseToAnswer() =>
        CnameChaser.ResolveAsync(TlsaOwner, DnsRecordType.Tlsa, (name, _, _) => ValueTask.FromResult(_resolver.Classify(name, _tlsaResponse)), 8, NullLogger.Instance, CancellationToken.None);

    [Benchmark(Description = "MX response (3 records) to DnsAnswer")]
    public Task<DnsAnswer> MxResponseToAnswer() =>
        CnameChaser.ResolveAsync(MailDomain, DnsRecordType.Mx, (name, _, _) => ValueTask.FromResult(_resolver.Classify(name, _mxResponse)), 8, NullLogger.Instance, CancellationToken.None);

    /// <summary>The cache path of DnsClientResolver.QueryAsync: a cache lookup, then the answer built from the stored response.</summary>
    [Benchmark(Description = "TLSA cache hit to DnsAnswer")]
    public Task<DnsAnswer> TlsaCacheHit() =>
        CnameChaser.ResolveAsync(TlsaOwner, DnsRecordType.Tlsa, LookupCached, 8, NullLogger.Instance, CancellationToken.None);

    private ValueTask<DnsResponse> LookupCached(string name, DnsRecordType type, CancellationToken cancellationToken) =>
        _cache.TryGet(name, type, out var response)
            ? ValueTask.FromResult(response)
            : throw new InvalidOperationException($"{name} {type} is not in the cache");

    private static ResourceRecordInfo Info(string name, ResourceRecordType type) => new(name, type, QueryClass.IN, 3600, 0);
}
