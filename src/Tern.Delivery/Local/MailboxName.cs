using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Tern.Delivery.Local;

/// <summary>
/// Turns recipient addresses into Maildir directory names that cannot leave the mail directory.
/// </summary>
/// <remarks>
/// Quoted local parts are unquoted, because the quotes are not part of the name (RFC 5322 section
/// 3.2.4), so <c>"alice"@example.com</c> is alice's mailbox. The unquoted name must then be a
/// dot-atom of safe characters. Names that need the quoted form, such as those with spaces,
/// backslashes, control characters or "/", are rejected with a reason instead of being encoded.
/// RFC 5321 section 4.1.2 advises hosts not to define such mailboxes, and rejecting them keeps
/// every directory name readable.
/// </remarks>
internal static class MailboxName
{
    /// <summary>The reserved mailbox every mail domain must accept (RFC 5321 section 4.5.1).</summary>
    public const string Postmaster = "postmaster";

    // RFC 5321 section 4.5.3.1.1.
    private const int MaxLocalPartOctets = 64;

    // RFC 1035 section 2.3.4 limits a name to 255 octets on the wire, which is 253 in text.
    private const int MaxDomainLength = 253;

    // atext of RFC 5322 section 3.2.3 without "/", which would split the path.
    private const string AllowedSymbols = "!#$%&'*+-=?^_`{|}~";

    /// <summary>Splits an address at its last "@", since a quoted local part may contain "@" too.</summary>
    public static bool TrySplitAddress(string address, [NotNullWhen(true)] out string? localPart, [NotNullWhen(true)] out string? domain)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            localPart = null;
            domain = null;
            return false;
        }

        localPart = address[..at];
        domain = address[(at + 1)..];
        return true;
    }

    /// <summary>
    /// Unquotes and lower-cases a local part and checks that it is a safe directory name.
    /// Lower-casing makes mailboxes case-insensitive, as RFC 5321 section 4.1.2 recommends for receiving hosts.
    /// </summary>
    public static bool TryNormalizeLocalPart(string localPart, [NotNullWhen(true)] out string? name, [NotNullWhen(false)] out string? reason)
    {
        name = null;
        var unquoted = localPart;
        if (localPart.StartsWith('"'))
        {
            if (!TryUnquote(localPart, out unquoted, out reason))
            {
                return false;
            }
        }

        var lowered = unquoted.ToLowerInvariant();
        reason = CheckLocalPart(lowered);
        if (reason is not null)
        {
            return false;
        }

        name = lowered;
        return true;
    }

    /// <summary>Lower-cases a configured domain and checks that it is a host name (letters, digits and hyphens in dot-separated labels).</summary>
    public static bool TryNormalizeDomain(string domain, [NotNullWhen(true)] out string? name, [NotNullWhen(false)] out string? reason)
    {
        name = null;
        var lowered = domain.ToLowerInvariant();
        if (lowered.Length is 0 or > MaxDomainLength)
        {
            reason = $"a domain name must have 1 to {MaxDomainLength} characters";
            return false;
        }

        foreach (var label in lowered.Split('.'))
        {
            // RFC 1035 section 2.3.1 (labels of letters, digits and hyphens) with RFC 1123 section 2.1 (may start with a digit).
            var valid = label.Length is > 0 and <= 63
                && label[0] != '-'
                && label[^1] != '-'
                && label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
            if (!valid)
            {
                reason = $"label '{label}' is not 1 to 63 letters, digits or inner hyphens";
                return false;
            }
        }

        name = lowered;
        reason = null;
        return true;
    }

    /// <summary>
    /// Returns why <paramref name="name"/> cannot be one path component under the mail directory,
    /// or null when it can. This is the last check before a path is built.
    /// </summary>
    public static string? CheckDirectoryName(string name)
    {
        if (name.Length == 0)
        {
            return "the name is empty";
        }

        if (name.StartsWith('.'))
        {
            return "the name starts with a dot";
        }

        if (name.AsSpan().IndexOfAny('/', '\\', '\0') >= 0)
        {
            return "the name contains a path separator or NUL";
        }

        return Encoding.UTF8.GetByteCount(name) > 255 ? "the name is longer than 255 octets" : null;
    }

    private static bool TryUnquote(string quoted, [NotNullWhen(true)] out string? unquoted, [NotNullWhen(false)] out string? reason)
    {
        unquoted = null;
        if (quoted.Length < 2 || !quoted.EndsWith('"'))
        {
            reason = "the quoted local part has no closing quote";
            return false;
        }

        var builder = new StringBuilder(quoted.Length);
        for (var i = 1; i < quoted.Length - 1; i++)
        {
            var c = quoted[i];
            if (c == '\\')
            {
                // quoted-pair (RFC 5321 section 4.1.2): the next character stands for itself, so a
                // backslash before the final quote leaves the string unclosed.
                if (i + 1 >= quoted.Length - 1)
                {
                    reason = "the quoted local part has no closing quote";
                    return false;
                }

                i++;
                c = quoted[i];
            }
            else if (c == '"')
            {
                reason = "the quoted local part contains an unescaped quote";
                return false;
            }

            builder.Append(c);
        }

        unquoted = builder.ToString();
        reason = null;
        return true;
    }

    private static string? CheckLocalPart(string name)
    {
        if (name.Length == 0)
        {
            return "the local part is empty";
        }

        if (Encoding.UTF8.GetByteCount(name) > MaxLocalPartOctets)
        {
            return $"the local part is longer than {MaxLocalPartOctets} octets (RFC 5321 section 4.5.3.1.1)";
        }

        // Dot-atom rules: no dot at either end and no empty atom. They also exclude "." and "..".
        if (name.StartsWith('.') || name.EndsWith('.') || name.Contains("..", StringComparison.Ordinal))
        {
            return "the local part starts or ends with a dot or contains two dots in a row";
        }

        foreach (var rune in name.EnumerateRunes())
        {
            if (!IsAllowed(rune))
            {
                return $"the local part contains {Describe(rune)}, which is not allowed in a mailbox name";
            }
        }

        return null;
    }

    private static bool IsAllowed(Rune rune)
    {
        if (rune.IsAscii)
        {
            var c = (char)rune.Value;
            return char.IsAsciiLetterOrDigit(c) || c == '.' || AllowedSymbols.Contains(c, StringComparison.Ordinal);
        }

        // Internationalized local parts (RFC 6531 section 3.3) may use letters and digits of any script.
        // NOTE: names are not Unicode-normalized, so the NFC and NFD spellings of one name reach different Maildirs.
        return Rune.IsLetterOrDigit(rune);
    }

    private static string Describe(Rune rune) =>
        Rune.IsControl(rune) || Rune.IsWhiteSpace(rune) || rune == Rune.ReplacementChar
            ? string.Create(CultureInfo.InvariantCulture, $"U+{rune.Value:X4}")
            : $"'{rune}'";
}
