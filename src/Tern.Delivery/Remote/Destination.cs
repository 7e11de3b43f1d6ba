namespace Tern.Delivery.Remote;

/// <summary>Where the mail for one recipient domain goes: the hosts to try, or the result that every recipient gets.</summary>
/// <param name="Targets">The hosts in the order to try them; empty when <paramref name="Failure"/> is set.</param>
/// <param name="NextHopDomain">The domain that DANE may accept in certificates; null unless the MX answer was DNSSEC-validated.</param>
/// <param name="Failure">A bounce or deferral for every recipient, when no host may be tried.</param>
internal sealed record Destination(IReadOnlyList<DeliveryTarget> Targets, string? NextHopDomain, Tern.Queue.DeliveryResult? Failure);
