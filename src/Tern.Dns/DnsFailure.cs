namespace Tern.Dns;

/// <summary>The reason a lookup failed: a kind for code and a message for logs and reports.</summary>
public sealed record DnsFailure(DnsFailureKind Kind, string Message);
