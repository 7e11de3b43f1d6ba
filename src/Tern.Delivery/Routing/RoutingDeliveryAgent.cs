using Tern.Queue;

namespace Tern.Delivery.Routing;

/// <summary>
/// Sends the recipients of local domains to the local agent and every other recipient to the remote
/// agent, then returns all results in the request's order. The remote agent groups its recipients by
/// domain, so each destination domain gets one SMTP transaction per message.
/// </summary>
public sealed class RoutingDeliveryAgent : IDeliveryAgent
{
    private readonly HashSet<string> _localDomains;
    private readonly IDeliveryAgent _local;
    private readonly IDeliveryAgent _remote;

    /// <param name="localDomains">The domains delivered locally, compared without regard to case.</param>
    /// <param name="local">Delivers to local mailboxes, for example <c>LocalDeliveryAgent</c>. It also gets addresses without a domain, to reject them.</param>
    /// <param name="remote">Delivers to other domains, for example <c>RemoteDeliveryAgent</c>.</param>
    public RoutingDeliveryAgent(IEnumerable<string> localDomains, IDeliveryAgent local, IDeliveryAgent remote)
    {
        ArgumentNullException.ThrowIfNull(localDomains);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        _localDomains = new HashSet<string>(localDomains, StringComparer.OrdinalIgnoreCase);
        _local = local;
        _remote = remote;
    }

    public async ValueTask<IReadOnlyList<DeliveryResult>> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var results = new DeliveryResult[request.Recipients.Count];
        var localIndexes = new List<int>();
        var remoteIndexes = new List<int>();
        for (var i = 0; i < results.Length; i++)
        {
            (IsLocal(request.Recipients[i].Address) ? localIndexes : remoteIndexes).Add(i);
        }

        await DeliverPartAsync(_local, request, localIndexes, results, cancellationToken);
        await DeliverPartAsync(_remote, request, remoteIndexes, results, cancellationToken);
        return results;
    }

    private bool IsLocal(string address)
    {
        var at = address.LastIndexOf('@');
        return at <= 0 || at == address.Length - 1 || _localDomains.Contains(address[(at + 1)..]);
    }

    private static async Task DeliverPartAsync(
        IDeliveryAgent agent, DeliveryRequest request, List<int> indexes, DeliveryResult[] results, CancellationToken cancellationToken)
    {
        if (indexes.Count == 0)
        {
            return;
        }

        var part = new DeliveryRequest(request.Entry, [.. indexes.Select(i => request.Recipients[i])], request.OpenContentAsync);
        var partResults = await agent.DeliverAsync(part, cancellationToken);
        if (partResults.Count != indexes.Count)
        {
            throw new InvalidOperationException($"The delivery agent {agent.GetType().Name} returned {partResults.Count} results for {indexes.Count} recipients.");
        }

        for (var k = 0; k < indexes.Count; k++)
        {
            results[indexes[k]] = partResults[k];
        }
    }
}
