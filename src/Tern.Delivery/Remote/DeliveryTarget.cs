using System.Net;

namespace Tern.Delivery.Remote;

/// <summary>One host to try for a destination, with its addresses in the order to connect to them.</summary>
/// <param name="HostName">The MX host name, or for an address literal the address, as Postfix logs it (<c>192.0.2.1[192.0.2.1]:25</c>).</param>
/// <param name="Addresses">The addresses to connect to; empty when the lookup found none or failed.</param>
/// <param name="AddressProblem">Why <paramref name="Addresses"/> is empty, for the deferral reply; null when it is not.</param>
/// <param name="AddressLookupFailed">Whether an address lookup failed, as opposed to finding no records.</param>
/// <param name="IsAddressLiteral">Whether the recipient domain was an address literal, which has no DNS name and so no DANE.</param>
internal sealed record DeliveryTarget(string HostName, IReadOnlyList<IPAddress> Addresses, string? AddressProblem, bool AddressLookupFailed, bool IsAddressLiteral);
