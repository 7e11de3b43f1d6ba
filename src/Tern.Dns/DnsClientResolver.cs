using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tern.Dns;

/// <summary>
/// <see cref="IDnsResolver"/> that queries recursive resolvers through DnsClient with the DO bit set.
/// The DNSSEC status comes from the AD bit, which counts only from a trusted resolver (RFC 4035
/// section 4.9.3). Answers are cached within their TTL, and CNAME chains are followed.
/// </summary>
public sealed class DnsClientResolver : IDnsResolver
{
    private readonly LookupClient _client;
    private readonly DnsCache _cache;
    private readonly DnsResolverOptions _options;
    private readonly ILogger _logger;
    private readonly HashSet<IPAddress> _trustedServers;
    private readonly IReadOnlyList<IPEndPoint> _nameServers;

    public DnsClientResolver(DnsResolverOptions options, ILogger<DnsClientResolver>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _nameServers = options.NameServers.Count > 0 ? [.. options.NameServers] : [new IPEndPoint(IPAddress.Loopback, 53)];
        _trustedServers = [.. options.TrustedNameServers.Select(Canonical)];
        _cache = new DnsCache(timeProvider ?? TimeProvider.System, options.MaxCacheEntries, options.MaxTtl, options.MaxNegativeTtl);

        var clientOptions = new LookupClientOptions([.. _nameServers])
        {
            AutoResolveNameServers = false,

            // Tern caches by itself, so that negative answers follow RFC 2308 and the clock can be faked in tests.
            UseCache = false,
            Recursion = true,
            RequestDnsSecRecords = true,

            // A SERVFAIL must reach Tern as a failure: passed on to the next server, it could come back as
            // an insecure answer from a resolver that does not validate.
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
            UseTcpFallback = true,
            UseRandomNameServer = false,
            Timeout = options.Timeout,
            Retries = options.Retries,
        };
        _client = new LookupClient(clientOptions);
        WarnAboutUntrustedServers();
    }

    /// <summary>Number of responses in the cache.</summary>
    internal int CachedResponseCount => _cache.Count;

    public async Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var answer = await CnameChaser.ResolveAsync(
            DnsName.Normalize(name), type, LookupAsync, _options.MaxCnameChainLength, _logger, cancellationToken);
        Log.Answered(_logger, answer.Name, type, answer.Outcome, answer.Status);
        return answer;
    }

    /// <summary>
    /// Returns true when the AD bit of this resolver can be believed: it runs on this host, or the
    /// operator listed it as trusted. Any other path could be forged, so its AD bit proves nothing.
    /// </summary>
    internal bool IsTrusted(IPAddress address)
    {
        var canonical = Canonical(address);
        return IPAddress.IsLoopback(canonical) || _trustedServers.Contains(canonical);
    }

    private async ValueTask<DnsResponse> LookupAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        if (_cache.TryGet(name, type, out var cached))
        {
            Log.CacheHit(_logger, name, type);
            return cached;
        }

        var response = await SendAsync(name, type, cancellationToken);
        _cache.Store(name, type, response);
        return response;
    }

    private async Task<DnsResponse> SendAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        DnsResponse response;
        var server = string.Join(", ", _nameServers);
        IPEndPoint? answeredBy = null;
        try
        {
            var message = await _client.QueryAsync(name, (QueryType)type, QueryClass.IN, cancellationToken);
            server = message.NameServer?.ToString() ?? server;
            if (message.NameServer is { } nameServer && IPAddress.TryParse(nameServer.Address, out var address))
            {
                answeredBy = new IPEndPoint(address, nameServer.Port);
            }

            response = Classify(name, message);
        }
        catch (DnsResponseException ex) when (ex.Code == DnsResponseCode.ConnectionTimeout)
        {
            response = DnsResponse.Failed(DnsFailureKind.Timeout, $"No response within {_options.Timeout.TotalSeconds:0.###} s: {ex.Message}");
        }
        catch (DnsResponseParseException ex)
        {
            // Thrown when even the response over TCP does not parse.
            response = DnsResponse.Failed(DnsFailureKind.Malformed, ex.Message);
        }
        catch (DnsResponseException ex) when (ex.InnerException is SocketException socketError)
        {
            // DnsClient reports this way a truncated response whose retry over TCP could not connect.
            response = DnsResponse.Failed(DnsFailureKind.NetworkError, $"{ex.Message} Over TCP: {socketError.Message}");
        }
        catch (DnsResponseException ex)
        {
            // DnsClient reports this way a response that it cannot parse.
            response = DnsResponse.Failed(DnsFailureKind.Malformed, $"{ex.Message} {ex.InnerException?.Message}".TrimEnd());
        }
        catch (SocketException ex)
        {
            response = DnsResponse.Failed(DnsFailureKind.NetworkError, ex.Message);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            response = DnsResponse.Failed(DnsFailureKind.Timeout, ex.Message);
        }

        if (response.Failure is { Kind: DnsFailureKind.ServerFailure } && answeredBy is { } resolver && IsTrusted(resolver.Address))
        {
            response = await ClassifyServerFailureAsync(resolver, name, type, response, cancellationToken);
        }

        if (response.Failure is { } failure)
        {
            Log.QueryFailed(_logger, name, type, server, failure.Kind, failure.Message);
        }

        return response;
    }

    /// <summary>
    /// Tells a bogus answer from a failed server: a validating resolver answers SERVFAIL for both, but
    /// with checking disabled it answers the bogus one. Bogus data is a DNSSEC validation failure, which
    /// delivery reports as such instead of as an unreachable name server.
    /// </summary>
    private async Task<DnsResponse> ClassifyServerFailureAsync(IPEndPoint resolver, string name, DnsRecordType type, DnsResponse servfail, CancellationToken cancellationToken)
    {
        var code = await CheckingDisabledProbe.QueryAsync(resolver, name, (ushort)type, _options.Timeout, cancellationToken);
        if (code is not ((int)DnsResponseCode.NoError or (int)DnsResponseCode.NotExistentDomain))
        {
            return servfail;
        }

        return new DnsResponse(
            DnsResponseKind.Failure,
            SecurityStatus.Bogus,
            [],
            Failure: new DnsFailure(DnsFailureKind.ValidationFailure, "DNSSEC validation failed: the resolver answered SERVFAIL, and answered with checking disabled, so the data is bogus."));
    }

    internal DnsResponse Classify(string name, IDnsQueryResponse message)
    {
        var header = message.Header;
        if (header.ResultTruncated)
        {
            return DnsResponse.Failed(DnsFailureKind.Truncated, "The response was truncated and TCP did not complete it.");
        }

        if (message.Questions.Count > 0 && DnsName.Normalize(message.Questions[0].QueryName.Value) is var questionName && questionName != name)
        {
            return DnsResponse.Failed(DnsFailureKind.Malformed, $"The response is for another name: {questionName}.");
        }

        var responseCode = (DnsResponseCode)header.ResponseCode;
        var kind = responseCode switch
        {
            DnsResponseCode.NoError => DnsResponseKind.NoError,
            DnsResponseCode.NotExistentDomain => DnsResponseKind.NxDomain,
            _ => DnsResponseKind.Failure,
        };

        if (kind == DnsResponseKind.Failure)
        {
            // A validating resolver answers SERVFAIL for bogus data too; SendAsync tells the two apart.
            return responseCode switch
            {
                DnsResponseCode.ServerFailure => DnsResponse.Failed(DnsFailureKind.ServerFailure, "The resolver answered SERVFAIL."),
                DnsResponseCode.Refused => DnsResponse.Failed(DnsFailureKind.Refused, "The resolver answered REFUSED."),
                var code => DnsResponse.Failed(DnsFailureKind.OtherResponseCode, $"The resolver answered RCODE {(int)code} ({code})."),
            };
        }

        var trusted = message.NameServer is { } nameServer && IPAddress.TryParse(nameServer.Address, out var address) && IsTrusted(address);
        var status = header.IsAuthenticData && trusted ? SecurityStatus.Secure : SecurityStatus.Insecure;
        var records = message.Answers.Select(Convert).OfType<DnsRecord>().ToList();
        return new DnsResponse(kind, status, records, GetNegativeTtl(message));
    }

    private static int? GetNegativeTtl(IDnsQueryResponse message)
    {
        var soa = message.Authorities.OfType<SoaRecord>().FirstOrDefault();
        return soa is null ? null : (int)Math.Min((uint)Math.Max(soa.TimeToLive, 0), soa.Minimum);
    }

    private static DnsRecord? Convert(DnsResourceRecord record)
    {
        var name = DnsName.Normalize(record.DomainName.Value);
        var ttl = record.TimeToLive;
        return record switch
        {
            DnsClient.Protocol.AddressRecord a => new AddressRecord(name, ttl, a.Address),
            DnsClient.Protocol.MxRecord mx => new MxRecord(name, ttl, mx.Preference, DnsName.Normalize(mx.Exchange.Value)),
            CNameRecord cname => new CnameRecord(name, ttl, DnsName.Normalize(cname.CanonicalName.Value)),
            TlsaRecord tlsa => new TlsaResourceRecord(
                name, ttl, (byte)tlsa.CertificateUsage, (byte)tlsa.Selector, (byte)tlsa.MatchingType, tlsa.CertificateAssociationData.ToArray()),
            _ => null,
        };
    }

    // Logged once, when the resolver is created, so that the warning does not repeat with every query.
    private void WarnAboutUntrustedServers()
    {
        foreach (var server in _nameServers.Where(s => !IsTrusted(s.Address)))
        {
            Log.UntrustedResolver(_logger, server.ToString());
        }
    }

    private static IPAddress Canonical(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
