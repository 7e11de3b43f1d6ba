using Tern.Dns;

namespace Tern.Delivery.Remote;

/// <summary>Finds the mail exchangers of a domain and orders them as RFC 5321 section 5.1 requires.</summary>
internal sealed class MxResolver
{
    private readonly IDnsResolver _resolver;
    private readonly Random _random;

    /// <param name="resolver">The DNS resolver.</param>
    /// <param name="random">Shuffles hosts of equal preference; tests pass a seeded instance.</param>
    public MxResolver(IDnsResolver resolver, Random random)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(random);
        _resolver = resolver;
        _random = random;
    }

    /// <summary>Looks up the MX records of <paramref name="domain"/>; only cancellation throws.</summary>
    public async Task<MxResolution> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        var answer = await _resolver.QueryMxAsync(domain, cancellationToken);
        var secure = answer.Status == SecurityStatus.Secure;
        switch (answer.Outcome)
        {
            case DnsOutcome.NxDomain:
                return new MxResolution(MxResolutionKind.NoSuchDomain, [], secure, $"domain {answer.Name} not found");

            case DnsOutcome.NoData:
                // RFC 5321 section 5.1: without MX records the domain itself is the only host (the
                // implicit MX). This applies only to a proven empty response, never to a failed lookup.
                return new MxResolution(MxResolutionKind.Hosts, [new MxHost(answer.CanonicalName, 0, IsImplicit: true)], secure, $"{answer.Name} has no MX records");

            case DnsOutcome.Failure:
                return new MxResolution(
                    MxResolutionKind.Failure,
                    [],
                    IsSecure: false,
                    $"MX lookup for {answer.Name} failed: {answer.Failure?.Message} ({answer.Status})",
                    IsBogus: answer.Status == SecurityStatus.Bogus);
        }

        var records = answer.RecordsOf<MxRecord>();

        // RFC 7505: a domain with a null MX (exchange ".", normalized to the empty name) accepts no
        // mail, and a client must not deliver to it. The RFC requires the null MX to be the only MX
        // record, and a client cannot tell which record is wrong, so any null MX counts.
        if (records.Any(record => DnsName.Normalize(record.Exchange).Length == 0))
        {
            return new MxResolution(MxResolutionKind.NullMx, [], secure, $"{answer.Name} has a null MX");
        }

        return new MxResolution(MxResolutionKind.Hosts, Order(records), secure, $"{records.Count} MX record(s) for {answer.Name}");
    }

    /// <summary>
    /// Sorts the records by preference, lowest first, and shuffles each group of equal preference,
    /// which spreads the load as RFC 5321 section 5.1 recommends. A host listed twice keeps its first place.
    /// </summary>
    private List<MxHost> Order(IReadOnlyList<MxRecord> records)
    {
        var ordered = new List<MxHost>(records.Count);
        foreach (var group in records.GroupBy(record => record.Preference).OrderBy(group => group.Key))
        {
            var hosts = group.ToArray();
            _random.Shuffle(hosts);
            foreach (var record in hosts)
            {
                var name = DnsName.Normalize(record.Exchange);
                if (!ordered.Exists(host => host.Name == name))
                {
                    ordered.Add(new MxHost(name, record.Preference, IsImplicit: false));
                }
            }
        }

        return ordered;
    }
}
