namespace Tern.IntegrationTests.Delivery;

/// <summary>
/// The log lines of one message in a Postfix log. <see cref="ReceivedTls"/> is the TLS line of the
/// smtpd process that received it, <see cref="SentTls"/> that of the smtp process that sent it.
/// </summary>
public sealed record PostfixMessage(
    string QueueId, IReadOnlyList<string> Lines, string? FinalStatus, string? StatusLine, string? ReceivedTls, string? SentTls);
