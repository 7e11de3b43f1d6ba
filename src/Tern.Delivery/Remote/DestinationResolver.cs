using System.Net;
using Tern.Dns;
using Tern.Queue;

namespace Tern.Delivery.Remote;

/// <summary>
/// Turns a recipient domain into the hosts and addresses to try (RFC 5321 section 5.1), or into the
/// bounce or deferral that every recipient of the domain gets when no host may be tried.
/// </summary>
internal sealed class DestinationResolver
{
    private const string NoRelay = "none";

    private readonly IDnsResolver _resolver;
    private readonly MxResolver _mxResolver;
    private readonly LocalEndPointMatcher _localEndPoints;
    private readonly int _port;

    public DestinationResolver(IDnsResolver resolver, Random random, LocalEndPointMatcher localEndPoints, int port)
    {
        _resolver = resolver;
        _mxResolver = new MxResolver(resolver, random);
        _localEndPoints = localEndPoints;
        _port = port;
    }

    /// <summary>Resolves a lower-case recipient domain; only cancellation throws.</summary>
    public async Task<Destination> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        if (AddressLiteral.IsLiteral(domain))
        {
            return ResolveLiteral(domain);
        }

        var mx = await _mxResolver.ResolveAsync(domain, cancellationToken);
        switch (mx.Kind)
        {
            case MxResolutionKind.NullMx:
                // RFC 7505: a null MX fails at once, with reply code 556 and status 5.1.10.
                return Fail(DeliveryResult.Bounced(NoRelay, "5.1.10", $"556 5.1.10 Recipient address has null MX: {domain} accepts no mail"));

            case MxResolutionKind.NoSuchDomain:
                // RFC 3463 X.1.2: bad destination system address.
                return Fail(DeliveryResult.Bounced(NoRelay, "5.1.2", $"550 5.1.2 Host or domain name not found: {mx.Detail}"));

            case MxResolutionKind.Failure:
                // A failed lookup is never taken as "no MX records", so there is no implicit MX here:
                // that fallback would let a blocked MX query redirect mail (RFC 5321 section 5.1).
                // RFC 3463 X.7.5 (cryptographic failure) when the answer failed DNSSEC validation, as the
                // bogus data may be an attack; X.4.3 (directory server failure) for an unreachable answer.
                return mx.IsBogus
                    ? Fail(DeliveryResult.Deferred(NoRelay, "4.7.5", $"451 4.7.5 {mx.Detail}"))
                    : Fail(DeliveryResult.Deferred(NoRelay, "4.4.3", $"451 4.4.3 {mx.Detail}"));
        }

        var targets = new List<DeliveryTarget>(mx.Hosts.Count);
        foreach (var host in mx.Hosts)
        {
            targets.Add(await ResolveHostAsync(host, cancellationToken));
        }

        var implicitMx = mx.Hosts is [{ IsImplicit: true }];
        if (implicitMx && targets[0] is { Addresses.Count: 0, AddressLookupFailed: false })
        {
            // The domain exists but has neither MX nor address records, so it is no mail destination
            // (RFC 5321 section 5.1). RFC 3463 X.4.4: unable to route.
            return Fail(DeliveryResult.Bounced(NoRelay, "5.4.4", $"550 5.4.4 {domain} has no MX or address records"));
        }

        var usable = DropLocalHosts(mx.Hosts, targets, out var loop);
        if (usable.Count == 0 && loop is not null)
        {
            // RFC 3463 X.4.6: routing loop detected.
            return Fail(DeliveryResult.Bounced(NoRelay, "5.4.6", $"554 5.4.6 Mail for {domain} loops back to myself: {loop}"));
        }

        return new Destination(usable, mx.IsSecure ? domain : null, Failure: null);
    }

    private Destination ResolveLiteral(string domain)
    {
        if (!AddressLiteral.TryParse(domain, out var address))
        {
            return Fail(DeliveryResult.Bounced(NoRelay, "5.1.2", $"550 5.1.2 Invalid address literal {domain}"));
        }

        if (_localEndPoints.IsLocal(address, _port))
        {
            return Fail(DeliveryResult.Bounced(NoRelay, "5.4.6", $"554 5.4.6 Mail for {domain} loops back to myself"));
        }

        return new Destination([new DeliveryTarget(address.ToString(), [address], AddressProblem: null, AddressLookupFailed: false, IsAddressLiteral: true)], NextHopDomain: null, Failure: null);
    }

    /// <summary>
    /// Applies RFC 5321 section 5.1: when an MX host is this server, the hosts of that preference and
    /// of every higher preference value are dropped, since they would hand the mail back to us.
    /// </summary>
    private List<DeliveryTarget> DropLocalHosts(IReadOnlyList<MxHost> hosts, List<DeliveryTarget> targets, out string? loop)
    {
        loop = null;
        var cutoff = int.MaxValue;
        for (var i = 0; i < hosts.Count; i++)
        {
            var local = targets[i].Addresses.FirstOrDefault(address => _localEndPoints.IsLocal(address, _port));
            if (local is not null && hosts[i].Preference < cutoff)
            {
                cutoff = hosts[i].Preference;
                loop = $"{targets[i].HostName}[{local}]:{_port} is a local listener";
            }
        }

        return [.. targets.Where((_, i) => hosts[i].Preference < cutoff)];
    }

    /// <summary>Looks up the A and then the AAAA records of one host.</summary>
    private async Task<DeliveryTarget> ResolveHostAsync(MxHost host, CancellationToken cancellationToken)
    {
        // NOTE: IPv4 addresses are tried before IPv6 ones; there is no setting for the order yet.
        var answers = new[]
        {
            await _resolver.QueryAAsync(host.Name, cancellationToken),
            await _resolver.QueryAaaaAsync(host.Name, cancellationToken),
        };
        var addresses = answers.SelectMany(a => a.RecordsOf<AddressRecord>()).Select(r => r.Address).Distinct().ToList();
        if (addresses.Count > 0)
        {
            return new DeliveryTarget(host.Name, addresses, AddressProblem: null, AddressLookupFailed: false, IsAddressLiteral: false);
        }

        var failed = answers.FirstOrDefault(a => a.Outcome == DnsOutcome.Failure);
        var problem = failed is not null
            ? $"address lookup for {host.Name} failed: {failed.Failure?.Message} ({failed.Status})"
            : $"{host.Name} has no address records";
        return new DeliveryTarget(host.Name, [], problem, AddressLookupFailed: failed is not null, IsAddressLiteral: false);
    }

    private static Destination Fail(DeliveryResult result) => new([], NextHopDomain: null, result);
}
