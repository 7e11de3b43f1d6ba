using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tern.Smtp.Protocol;

/// <summary>Which path a MAIL or RCPT argument holds; each allows one special form.</summary>
internal enum SmtpPathKind
{
    /// <summary>The MAIL FROM path, which may be the null path "&lt;&gt;".</summary>
    Reverse,

    /// <summary>The RCPT TO path, which may be the domain-less "&lt;Postmaster&gt;".</summary>
    Forward,
}

/// <summary>
/// Parses the path and mailbox grammar of RFC 5321 section 4.1.2, with the UTF-8 extensions of RFC 6531
/// section 3.3 (non-ASCII characters in atoms, quoted strings and domain labels). Whether UTF-8 is
/// allowed in a given transaction is the caller's decision: see <see cref="Mailbox.RequiresSmtpUtf8"/>.
/// </summary>
internal static class SmtpPathParser
{
    // RFC 1035 section 2.3.4: at most 255 octets in a domain name and 63 in a label.
    private const int MaxDomainOctets = 255;
    private const int MaxLabelOctets = 63;

    // RFC 5322 section 3.2.3 atext.
    private static readonly SearchValues<char> AsciiAtext =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~");

    private static readonly SearchValues<char> Ipv6Characters = SearchValues.Create("0123456789abcdefABCDEF:.");

    /// <summary>
    /// Parses a path that starts at the beginning of <paramref name="text"/> and ends with '>'.
    /// Returns false on a syntax error. On success <paramref name="mailbox"/> is null only for the
    /// null reverse path "&lt;&gt;", and <paramref name="length"/> is the number of characters used.
    /// </summary>
    public static bool TryParsePath(ReadOnlySpan<char> text, SmtpPathKind kind, out Mailbox? mailbox, out int length)
    {
        mailbox = null;
        length = 0;
        if (text.Length < 2 || text[0] != '<')
        {
            return false;
        }

        if (text[1] == '>')
        {
            length = 2;
            return kind == SmtpPathKind.Reverse;
        }

        // RFC 5321 section 4.5.1: "Postmaster" without a domain is a valid forward path, compared
        // case-insensitively.
        const string Postmaster = "<Postmaster>";
        if (kind == SmtpPathKind.Forward && text.StartsWith(Postmaster, StringComparison.OrdinalIgnoreCase))
        {
            mailbox = new Mailbox(text.Slice(1, Postmaster.Length - 2).ToString(), null);
            length = Postmaster.Length;
            return true;
        }

        var position = 1;
        if (text[position] == '@' && !SkipSourceRoute(text, ref position))
        {
            return false;
        }

        if (!TryParseMailbox(text, ref position, out mailbox))
        {
            return false;
        }

        if (position >= text.Length || text[position] != '>')
        {
            mailbox = null;
            return false;
        }

        length = position + 1;
        return true;
    }

    /// <summary>Parses a whole string as a mailbox (local part, "@", domain or address literal).</summary>
    public static bool TryParseMailbox(string text, [NotNullWhen(true)] out Mailbox? mailbox)
    {
        var position = 0;
        if (TryParseMailbox(text, ref position, out mailbox) && position == text.Length)
        {
            return true;
        }

        mailbox = null;
        return false;
    }

    /// <summary>True when the local part can be written without quotes (RFC 5321 Dot-string, with RFC 6531 UTF-8).</summary>
    public static bool IsDotString(ReadOnlySpan<char> localPart)
    {
        var position = 0;
        return TrySkipDotString(localPart, ref position) && position == localPart.Length;
    }

    /// <summary>
    /// True for a domain name in RFC 5321 syntax. <paramref name="allowUnderscore"/> admits '_' in labels,
    /// which real clients send in EHLO although the grammar has no place for it.
    /// </summary>
    public static bool IsDomain(ReadOnlySpan<char> text, bool allowUnderscore)
    {
        var position = 0;
        return TrySkipDomain(text, ref position, allowUnderscore) && position == text.Length;
    }

    /// <summary>True for an RFC 5321 address literal in brackets: IPv4, or "IPv6:" followed by an IPv6 address.</summary>
    public static bool IsAddressLiteral(ReadOnlySpan<char> text)
    {
        var position = 0;
        return TrySkipAddressLiteral(text, ref position) && position == text.Length;
    }

    private static bool TryParseMailbox(ReadOnlySpan<char> text, ref int position, [NotNullWhen(true)] out Mailbox? mailbox)
    {
        mailbox = null;
        string localPart;
        if (position < text.Length && text[position] == '"')
        {
            if (!TryParseQuotedString(text, ref position, out localPart))
            {
                return false;
            }
        }
        else
        {
            var start = position;
            if (!TrySkipDotString(text, ref position))
            {
                return false;
            }

            localPart = text[start..position].ToString();
        }

        // RFC 5321 section 4.5.3.1.1 names 64 octets as the local-part size every server must accept,
        // not a maximum to enforce; SRS and VERP produce longer ones, so only the command line limit applies.
        if (position >= text.Length || text[position] != '@')
        {
            return false;
        }

        position++;
        var domainStart = position;
        var valid = position < text.Length && text[position] == '['
            ? TrySkipAddressLiteral(text, ref position)
            : TrySkipDomain(text, ref position, allowUnderscore: false);
        if (!valid)
        {
            return false;
        }

        mailbox = new Mailbox(localPart, text[domainStart..position].ToString());
        return true;
    }

    // RFC 5321 section 4.1.2: A-d-l = At-domain *( "," At-domain ) ":". Section 4.1.1.3 and appendix C
    // require servers to accept a source route and allow them to ignore it, which this parser does.
    private static bool SkipSourceRoute(ReadOnlySpan<char> text, ref int position)
    {
        while (true)
        {
            if (position >= text.Length || text[position] != '@')
            {
                return false;
            }

            position++;
            if (!TrySkipDomain(text, ref position, allowUnderscore: false) || position >= text.Length)
            {
                return false;
            }

            var separator = text[position++];
            if (separator == ':')
            {
                return true;
            }

            if (separator != ',')
            {
                return false;
            }
        }
    }

    // Dot-string = Atom *("." Atom), Atom = 1*atext; RFC 6531 section 3.3 adds UTF8-non-ascii to atext.
    private static bool TrySkipDotString(ReadOnlySpan<char> text, ref int position)
    {
        while (true)
        {
            var atomStart = position;
            while (position < text.Length && (AsciiAtext.Contains(text[position]) || text[position] > 0x7F))
            {
                position++;
            }

            if (position == atomStart)
            {
                return false;
            }

            if (position + 1 < text.Length && text[position] == '.')
            {
                position++;
                continue;
            }

            return true;
        }
    }

    // Quoted-string = DQUOTE *QcontentSMTP DQUOTE, with qtextSMTP = %d32-33 / %d35-91 / %d93-126 (plus
    // UTF8-non-ascii from RFC 6531) and quoted-pairSMTP = "\" followed by %d32-126.
    private static bool TryParseQuotedString(ReadOnlySpan<char> text, ref int position, out string value)
    {
        value = string.Empty;
        position++;
        var builder = new StringBuilder();
        while (position < text.Length)
        {
            var c = text[position++];
            if (c == '"')
            {
                // An empty quoted string is grammatical but names no mailbox.
                if (builder.Length == 0)
                {
                    return false;
                }

                value = builder.ToString();
                return true;
            }

            if (c == '\\')
            {
                if (position >= text.Length || text[position] is < ' ' or > '~')
                {
                    return false;
                }

                builder.Append(text[position++]);
            }
            else if (c is (>= ' ' and <= '~') || c > 0x7F)
            {
                builder.Append(c);
            }
            else
            {
                return false;
            }
        }

        return false;
    }

    // Domain = sub-domain *("." sub-domain), sub-domain = Let-dig [Ldh-str]: letters, digits and inner
    // hyphens. RFC 6531 section 3.3 admits U-labels, accepted here as labels with non-ASCII characters.
    // NOTE: U-labels are not checked against the IDNA2008 rules (RFC 5891); a bad one fails later in DNS.
    private static bool TrySkipDomain(ReadOnlySpan<char> text, ref int position, bool allowUnderscore)
    {
        var start = position;
        while (true)
        {
            var labelStart = position;
            while (position < text.Length && IsLabelChar(text[position], allowUnderscore))
            {
                position++;
            }

            var label = text[labelStart..position];
            if (label.IsEmpty || label[0] == '-' || label[^1] == '-' || Encoding.UTF8.GetByteCount(label) > MaxLabelOctets)
            {
                return false;
            }

            if (position + 1 < text.Length && text[position] == '.' && IsLabelChar(text[position + 1], allowUnderscore))
            {
                position++;
                continue;
            }

            return Encoding.UTF8.GetByteCount(text[start..position]) <= MaxDomainOctets;
        }
    }

    private static bool IsLabelChar(char c, bool allowUnderscore) =>
        char.IsAsciiLetterOrDigit(c) || c == '-' || c > 0x7F || (allowUnderscore && c == '_');

    // address-literal = "[" ( IPv4-address-literal / IPv6-address-literal / General-address-literal ) "]".
    // A General-address-literal needs a tag registered with IANA, and "IPv6" is the only one, so other
    // tags are rejected.
    private static bool TrySkipAddressLiteral(ReadOnlySpan<char> text, ref int position)
    {
        if (position >= text.Length || text[position] != '[')
        {
            return false;
        }

        var close = text[position..].IndexOf(']');
        if (close < 0)
        {
            return false;
        }

        var inner = text.Slice(position + 1, close - 1);
        const string Ipv6Tag = "IPv6:";
        var valid = inner.StartsWith(Ipv6Tag, StringComparison.OrdinalIgnoreCase)
            ? IsIpv6Literal(inner[Ipv6Tag.Length..])
            : IsIpv4Literal(inner);
        if (valid)
        {
            position += close + 1;
        }

        return valid;
    }

    // IPv4-address-literal = Snum 3("." Snum), Snum = 1*3DIGIT with a value of at most 255.
    private static bool IsIpv4Literal(ReadOnlySpan<char> text)
    {
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (part.Length is 0 or > 3 || part.ContainsAnyExceptInRange('0', '9') || int.Parse(part, provider: null) > 255)
            {
                return false;
            }

            parts++;
        }

        return parts == 4;
    }

    // RFC 5321 IPv6-addr forms, checked by IPAddress after excluding what it accepts beyond them
    // (zone ids, brackets, ports).
    private static bool IsIpv6Literal(ReadOnlySpan<char> text) =>
        !text.IsEmpty
        && !text.ContainsAnyExcept(Ipv6Characters)
        && IPAddress.TryParse(text, out var address)
        && address.AddressFamily == AddressFamily.InterNetworkV6;

}
