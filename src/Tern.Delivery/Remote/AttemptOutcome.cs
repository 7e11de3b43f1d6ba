using Tern.Smtp.Client;

namespace Tern.Delivery.Remote;

/// <summary>The result of one connection to one address of an MX host.</summary>
/// <param name="Status">What to try next.</param>
/// <param name="Relay">The host as Postfix logs it, for example <c>mx.example.net[192.0.2.25]:25</c>.</param>
/// <param name="Transaction">The server's replies; set when <paramref name="Status"/> is Completed.</param>
/// <param name="Failure">Why the attempt failed; set for every other status.</param>
internal sealed record AttemptOutcome(AttemptStatus Status, string Relay, SmtpTransactionResult? Transaction, HostFailure? Failure);
