using System.Diagnostics.CodeAnalysis;
using System.Text;
using Tern.Smtp.Protocol;

namespace Tern.Smtp;

/// <summary>
/// An SMTP mailbox (RFC 5321 section 4.1.2): a local part and a domain or address literal.
/// The only mailbox without a domain is the special recipient "Postmaster" (section 4.5.1).
/// </summary>
/// <remarks>
/// The local part is stored unquoted: <c>"john.doe"@example.net</c> and <c>john.doe@example.net</c> are the
/// same mailbox. <see cref="Address"/> quotes it again where the dot-string form cannot express it.
/// Equality compares the local part exactly, because RFC 5321 section 2.4 leaves its case to the
/// receiving host, and the domain case-insensitively.
/// </remarks>
public sealed class Mailbox : IEquatable<Mailbox>
{
    private string? _address;

    /// <summary>Creates a mailbox from parts that are already valid; use <see cref="TryParse"/> for text from outside.</summary>
    /// <param name="localPart">The unquoted local part.</param>
    /// <param name="domain">A domain, an address literal in brackets, or null for Postmaster.</param>
    public Mailbox(string localPart, string? domain)
    {
        ArgumentException.ThrowIfNullOrEmpty(localPart);
        if (domain is null && !string.Equals(localPart, "Postmaster", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Only Postmaster may lack a domain, not '{localPart}'.", nameof(domain));
        }

        LocalPart = localPart;
        Domain = domain;
    }

    /// <summary>The local part without quoting.</summary>
    public string LocalPart { get; }

    /// <summary>The domain or address literal (such as "[192.0.2.1]"), or null for the bare Postmaster recipient.</summary>
    public string? Domain { get; }

    /// <summary>True for the domain-less "Postmaster" recipient of RFC 5321 section 4.5.1.</summary>
    public bool IsPostmaster => Domain is null;

    /// <summary>True when the address contains non-ASCII characters, which RFC 6531 allows only in SMTPUTF8 transactions.</summary>
    public bool RequiresSmtpUtf8 => !Ascii.IsValid(LocalPart) || (Domain is not null && !Ascii.IsValid(Domain));

    /// <summary>The address as written in a path, without angle brackets: "user@example.net" or "Postmaster".</summary>
    public string Address => _address ??= FormatAddress();

    /// <summary>
    /// Parses a bare address ("user@example.net", no angle brackets) with the RFC 5321 grammar as extended
    /// by RFC 6531 for UTF-8. Returns false when the text is not a valid mailbox.
    /// </summary>
    public static bool TryParse(string address, [NotNullWhen(true)] out Mailbox? mailbox)
    {
        ArgumentNullException.ThrowIfNull(address);
        return SmtpPathParser.TryParseMailbox(address, out mailbox);
    }

    /// <inheritdoc/>
    public bool Equals(Mailbox? other) =>
        other is not null
        && string.Equals(LocalPart, other.LocalPart, StringComparison.Ordinal)
        && string.Equals(Domain, other.Domain, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Mailbox);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(
            StringComparer.Ordinal.GetHashCode(LocalPart),
            Domain is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(Domain));

    /// <summary>Returns <see cref="Address"/>.</summary>
    public override string ToString() => Address;

    private string FormatAddress()
    {
        var local = SmtpPathParser.IsDotString(LocalPart) ? LocalPart : Quote(LocalPart);
        return Domain is null ? local : local + "@" + Domain;
    }

    // RFC 5321 section 4.1.2: Quoted-string = DQUOTE *QcontentSMTP DQUOTE, where only '"' and '\' need a backslash.
    private static string Quote(string localPart)
    {
        var builder = new StringBuilder(localPart.Length + 2);
        builder.Append('"');
        foreach (var c in localPart)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        builder.Append('"');
        return builder.ToString();
    }
}
