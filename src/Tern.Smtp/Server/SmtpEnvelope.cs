namespace Tern.Smtp.Server;

/// <summary>
/// The envelope of one mail transaction: what MAIL FROM declared and the recipients accepted so far.
/// The session fills it; a handler reads it.
/// </summary>
public sealed class SmtpEnvelope
{
    private readonly List<SmtpRecipient> _recipients;

    /// <summary>Creates an envelope; the session uses this, and so can tests of a handler.</summary>
    /// <param name="reversePath">The sender, or null for the null reverse path "&lt;&gt;" of bounces.</param>
    /// <param name="recipients">Recipients accepted so far.</param>
    public SmtpEnvelope(Mailbox? reversePath, IEnumerable<SmtpRecipient>? recipients = null)
    {
        ReversePath = reversePath;
        _recipients = recipients is null ? [] : [.. recipients];
    }

    /// <summary>The sender, or null for the null reverse path "&lt;&gt;".</summary>
    public Mailbox? ReversePath { get; }

    /// <summary>The recipients accepted so far, in RCPT order. A rejected RCPT is not in the list.</summary>
    public IReadOnlyList<SmtpRecipient> Recipients => _recipients;

    /// <summary>The BODY parameter (RFC 6152).</summary>
    public SmtpBodyType BodyType { get; init; }

    /// <summary>True when MAIL carried SMTPUTF8 (RFC 6531): addresses and header fields may contain UTF-8.</summary>
    public bool SmtpUtf8 { get; init; }

    /// <summary>The SIZE parameter in octets (RFC 1870), or null when absent. The real size may differ.</summary>
    public long? DeclaredSize { get; init; }

    /// <summary>The RET parameter (RFC 3461), or null when absent.</summary>
    public DsnReturn? Return { get; init; }

    /// <summary>The ENVID parameter with its xtext decoded (RFC 3461), or null when absent.</summary>
    public string? EnvelopeId { get; init; }

    internal void AddRecipient(SmtpRecipient recipient) => _recipients.Add(recipient);
}
