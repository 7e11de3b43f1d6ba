namespace Tern.Delivery.Remote;

/// <summary>The result of an MX lookup: the hosts in the order to try them, or why there are none.</summary>
/// <param name="Kind">Whether hosts were found, and if not, why.</param>
/// <param name="Hosts">The hosts in delivery order; empty unless <paramref name="Kind"/> is Hosts.</param>
/// <param name="IsSecure">Whether the MX answer was DNSSEC-validated, which lets DANE accept the domain name in certificates.</param>
/// <param name="Detail">A description of the lookup for logs and delivery status replies.</param>
/// <param name="IsBogus">Whether a failed lookup failed DNSSEC validation, rather than reaching no answer.</param>
internal sealed record MxResolution(MxResolutionKind Kind, IReadOnlyList<MxHost> Hosts, bool IsSecure, string Detail, bool IsBogus = false);
