namespace Tern.Smtp.Client;

/// <summary>One recipient of a client transaction.</summary>
/// <param name="Address">The address without angle brackets, such as "user@example.net", or "Postmaster".</param>
public sealed record SmtpClientRecipient(string Address)
{
    /// <summary>
    /// The RFC 3461 NOTIFY value: "NEVER", or a comma-separated list of SUCCESS, FAILURE and DELAY. Sent only
    /// when the server offers DSN; null sends none.
    /// </summary>
    public string? DsnNotify { get; init; }

    /// <summary>
    /// The RFC 3461 ORCPT value, as "addr-type;address" (for example "rfc822;user@example.net") or as a bare
    /// address, which is sent with the type rfc822. The client encodes it as xtext. Sent only when the
    /// server offers DSN; null sends none.
    /// </summary>
    public string? DsnOriginalRecipient { get; init; }
}
