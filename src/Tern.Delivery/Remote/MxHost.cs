namespace Tern.Delivery.Remote;

/// <summary>One mail exchanger of a destination domain, in the order delivery tries them.</summary>
/// <param name="Name">The host name, normalized (lower case, no trailing dot).</param>
/// <param name="Preference">The MX preference; 0 for an implicit MX.</param>
/// <param name="IsImplicit">Whether the domain had no MX records, so that its own address records are used (RFC 5321 section 5.1).</param>
internal sealed record MxHost(string Name, ushort Preference, bool IsImplicit);
