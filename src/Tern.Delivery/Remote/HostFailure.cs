using Tern.Smtp;

namespace Tern.Delivery.Remote;

/// <summary>Why a host could not take the message.</summary>
/// <param name="EnhancedStatusCode">The RFC 3463 status code for a deferral, for example <c>4.7.5</c>.</param>
/// <param name="Description">A description for logs and deferral replies, naming the host.</param>
/// <param name="Reply">The server's reply, when the failure was a reply; null for connection and TLS failures.</param>
internal sealed record HostFailure(string EnhancedStatusCode, string Description, SmtpReply? Reply = null)
{
    /// <summary>Whether the server rejected the transaction with a 5xx reply to MAIL.</summary>
    public bool IsPermanent { get; init; }
}
