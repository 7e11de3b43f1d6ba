namespace Tern.IntegrationTests.Delivery;

/// <summary>
/// One delivery result that the queue runner of <c>tern serve</c> logged, in Postfix's form
/// <c>ID: to=&lt;rcpt&gt;, relay=R, delay=D, dsn=X.Y.Z, status=S (reply)</c>.
/// </summary>
internal sealed record TernResult(string QueueId, string Recipient, string Relay, string Dsn, string Status, string Reply, string Line);
