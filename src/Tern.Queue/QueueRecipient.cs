namespace Tern.Queue;

/// <summary>One accepted RCPT TO address with its delivery status notification parameters.</summary>
public sealed record QueueRecipient
{
    /// <summary>The forward-path mailbox without angle brackets, for example <c>alice@example.com</c>.</summary>
    public required string Address { get; init; }

    /// <summary>The NOTIFY parameter as received (RFC 3461 section 4.1), for example <c>SUCCESS,DELAY</c>; null when absent.</summary>
    public string? DsnNotify { get; init; }

    /// <summary>The ORCPT parameter as received, still xtext-encoded (RFC 3461 section 4.2); null when absent.</summary>
    public string? DsnOriginalRecipient { get; init; }
}
