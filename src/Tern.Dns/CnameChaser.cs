using Microsoft.Extensions.Logging;

namespace Tern.Dns;

/// <summary>
/// Follows CNAME chains over single queries (RFC 1034 section 3.6.2): aliases in one response are
/// followed in place, and a chain that a response leaves unfinished is continued with a new query.
/// </summary>
internal static class CnameChaser
{
    public delegate ValueTask<DnsResponse> LookupAsync(string name, DnsRecordType type, CancellationToken cancellationToken);

    public static async Task<DnsAnswer> ResolveAsync(
        string name,
        DnsRecordType type,
        LookupAsync lookup,
        int maxChainLength,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var chain = new List<CnameStep>();
        var visited = new HashSet<string>(StringComparer.Ordinal) { name };
        var current = name;
        var status = SecurityStatus.Secure;

        // Each query either ends the lookup or adds at least one alias, so the chain limit bounds the queries.
        while (true)
        {
            var response = await lookup(current, type, cancellationToken);
            status = status.Weakest(response.Status);
            if (response.Kind == DnsResponseKind.Failure)
            {
                return new DnsAnswer(name, type, DnsOutcome.Failure, status, cnameChain: chain, failure: response.Failure);
            }

            var moved = false;
            while (type != DnsRecordType.Cname && FindAlias(response, current) is { } alias)
            {
                if (!visited.Add(alias.Target))
                {
                    Log.CnameLoop(logger, name, alias.Target);
                    return Failed(name, type, chain, DnsFailureKind.CnameLoop, $"CNAME loop at {alias.Target}.");
                }

                chain.Add(new CnameStep(current, alias.Target, response.Status));
                if (chain.Count > maxChainLength)
                {
                    Log.CnameChainTooLong(logger, name, maxChainLength);
                    return Failed(name, type, chain, DnsFailureKind.CnameChainTooLong, $"CNAME chain longer than {maxChainLength} aliases.");
                }

                current = alias.Target;
                moved = true;
            }

            var records = response.Records.Where(r => r.Type == type && r.Name == current).ToList();
            if (records.Count > 0)
            {
                return new DnsAnswer(name, type, DnsOutcome.Records, status, records, chain);
            }

            // A NOERROR response that ends on an alias may be a server that did not chase it: ask for the target.
            if (moved && response.Kind == DnsResponseKind.NoError)
            {
                continue;
            }

            var outcome = response.Kind == DnsResponseKind.NxDomain ? DnsOutcome.NxDomain : DnsOutcome.NoData;
            return new DnsAnswer(name, type, outcome, status, cnameChain: chain);
        }
    }

    private static CnameRecord? FindAlias(DnsResponse response, string owner) =>
        response.Records.OfType<CnameRecord>().FirstOrDefault(r => r.Name == owner);

    // A loop or an overlong chain is a broken zone: no answer can be had, so the status is Indeterminate.
    private static DnsAnswer Failed(string name, DnsRecordType type, List<CnameStep> chain, DnsFailureKind kind, string message) =>
        new(name, type, DnsOutcome.Failure, SecurityStatus.Indeterminate, cnameChain: chain, failure: new DnsFailure(kind, message));
}
