namespace Tern.Queue;

/// <summary>The SMTP envelope and arrival details of a queued message.</summary>
public sealed record QueueEnvelope
{
    /// <summary>The reverse-path mailbox without angle brackets; empty for the null reverse-path <c>&lt;&gt;</c>.</summary>
    public required string Sender { get; init; }

    /// <summary>The accepted recipients in RCPT TO order; never empty.</summary>
    public required IReadOnlyList<QueueRecipient> Recipients { get; init; }

    /// <summary>The RET parameter (<c>FULL</c> or <c>HDRS</c>, RFC 3461 section 4.3); null when absent.</summary>
    public string? DsnReturn { get; init; }

    /// <summary>The ENVID parameter as received, still xtext-encoded (RFC 3461 section 4.4); null when absent.</summary>
    public string? DsnEnvelopeId { get; init; }

    public MessageBodyType BodyType { get; init; }

    /// <summary>Whether MAIL carried the SMTPUTF8 parameter (RFC 6531 section 3.4).</summary>
    public bool SmtpUtf8 { get; init; }

    public required DateTimeOffset ArrivalTime { get; init; }

    /// <summary>The client's IP address in text form; null for mail that did not arrive over SMTP.</summary>
    public string? ClientAddress { get; init; }

    /// <summary>The name the client gave in EHLO or HELO.</summary>
    public string? ClientHeloName { get; init; }

    /// <summary>The SMTP AUTH user name; null for unauthenticated sessions.</summary>
    public string? AuthenticatedUser { get; init; }

    /// <summary>Message size in octets. The store sets it to the length of the stored content on commit.</summary>
    public long Size { get; init; }
}
