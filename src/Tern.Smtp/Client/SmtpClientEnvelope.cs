namespace Tern.Smtp.Client;

/// <summary>The envelope of one client transaction.</summary>
/// <param name="Sender">The reverse path without angle brackets, or "" for the null reverse path of bounces.</param>
/// <param name="Recipients">The recipients, at least one; the result lists their replies in this order.</param>
public sealed record SmtpClientEnvelope(string Sender, IReadOnlyList<SmtpClientRecipient> Recipients)
{
    /// <summary>True when the content has 8-bit octets, to be declared with BODY=8BITMIME (RFC 6152).</summary>
    public bool EightBitMime { get; init; }

    /// <summary>
    /// True when the message needs SMTPUTF8 (RFC 6531), for example for UTF-8 header fields. An address
    /// with non-ASCII characters needs it even when this is false.
    /// </summary>
    public bool SmtpUtf8 { get; init; }

    /// <summary>
    /// The message size in octets for the RFC 1870 SIZE parameter and check. When null, the client uses the
    /// remaining length of a seekable content stream, or sends no SIZE.
    /// </summary>
    public long? Size { get; init; }

    /// <summary>The RFC 3461 RET value, "FULL" or "HDRS"; sent only when the server offers DSN.</summary>
    public string? DsnReturn { get; init; }

    /// <summary>The RFC 3461 ENVID value, unencoded; the client encodes it as xtext. Sent only when the server offers DSN.</summary>
    public string? DsnEnvelopeId { get; init; }
}
