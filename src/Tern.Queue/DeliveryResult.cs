namespace Tern.Queue;

/// <summary>What happened to one recipient in one delivery attempt.</summary>
/// <param name="Status">Delivered, deferred or bounced.</param>
/// <param name="Relay">Where the message went, as Postfix logs it: <c>local</c>, a host name with address, or <c>none</c>.</param>
/// <param name="EnhancedStatusCode">The RFC 3463 status code, for example <c>2.0.0</c>; logged as <c>dsn=</c>.</param>
/// <param name="Reply">The remote reply or a local description, for example <c>delivered to maildir</c>; kept as the recipient's last reply.</param>
public sealed record DeliveryResult(DeliveryStatus Status, string Relay, string EnhancedStatusCode, string Reply)
{
    public static DeliveryResult Delivered(string relay, string enhancedStatusCode, string reply) =>
        new(DeliveryStatus.Delivered, relay, enhancedStatusCode, reply);

    public static DeliveryResult Deferred(string relay, string enhancedStatusCode, string reply) =>
        new(DeliveryStatus.Deferred, relay, enhancedStatusCode, reply);

    public static DeliveryResult Bounced(string relay, string enhancedStatusCode, string reply) =>
        new(DeliveryStatus.Bounced, relay, enhancedStatusCode, reply);
}
