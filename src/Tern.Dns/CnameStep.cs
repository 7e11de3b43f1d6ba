namespace Tern.Dns;

/// <summary>One alias followed while resolving a name, with the DNSSEC status of the answer that contained it.</summary>
public sealed record CnameStep(string Alias, string Target, SecurityStatus Status);
