using System.Globalization;
using System.Text;

namespace Tern.Smtp.Client;

/// <summary>Builds the MAIL and RCPT command lines with their ESMTP parameters.</summary>
internal static class SmtpClientCommands
{
    /// <summary>
    /// Parses an envelope address. "" is the null reverse path, returned as a null mailbox, and is valid
    /// only for the sender. "Postmaster" without a domain is valid only for a recipient (RFC 5321 section 4.5.1).
    /// </summary>
    public static bool TryParseAddress(string address, bool isSender, out Mailbox? mailbox)
    {
        mailbox = null;
        if (address.Length == 0)
        {
            return isSender;
        }

        if (!isSender && string.Equals(address, "Postmaster", StringComparison.OrdinalIgnoreCase))
        {
            mailbox = new Mailbox(address, null);
            return true;
        }

        return Mailbox.TryParse(address, out mailbox);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when a DSN value could not be sent as RFC 3461 defines it.</summary>
    public static void ValidateDsnValues(SmtpClientEnvelope envelope)
    {
        if (envelope.DsnReturn is { } ret && !(ret.Equals("FULL", StringComparison.OrdinalIgnoreCase) || ret.Equals("HDRS", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"DsnReturn '{ret}' is invalid; use FULL or HDRS.", nameof(envelope));
        }

        foreach (var recipient in envelope.Recipients)
        {
            if (recipient.DsnNotify is { } notify && !IsValidNotify(notify))
            {
                throw new ArgumentException($"DsnNotify '{notify}' of <{recipient.Address}> is invalid; use NEVER or a list of SUCCESS, FAILURE and DELAY.", nameof(envelope));
            }

            if (recipient.DsnOriginalRecipient is { Length: 0 })
            {
                throw new ArgumentException($"DsnOriginalRecipient of <{recipient.Address}> is empty; use null to send none.", nameof(envelope));
            }
        }
    }

    /// <summary>Returns "MAIL FROM:&lt;sender&gt;" with the parameters that the server offers and the envelope requests.</summary>
    public static string BuildMail(Mailbox? sender, SmtpClientEnvelope envelope, SmtpCapabilities capabilities, long? size, bool smtpUtf8)
    {
        var builder = new StringBuilder("MAIL FROM:<").Append(sender?.Address).Append('>');

        // RFC 1870 section 6: SIZE is sent only to a server that offers it.
        if (capabilities.Size is not null && size is { } declared)
        {
            builder.Append(" SIZE=").Append(declared.ToString(CultureInfo.InvariantCulture));
        }

        if (envelope.EightBitMime && capabilities.EightBitMime)
        {
            builder.Append(" BODY=8BITMIME");
        }

        if (smtpUtf8)
        {
            builder.Append(" SMTPUTF8");
        }

        if (capabilities.Dsn)
        {
            if (envelope.DsnReturn is { } ret)
            {
                builder.Append(" RET=").Append(ret.ToUpperInvariant());
            }

            if (envelope.DsnEnvelopeId is { } envelopeId)
            {
                builder.Append(" ENVID=").Append(EncodeXtext(envelopeId));
            }
        }

        return builder.ToString();
    }

    /// <summary>Returns "RCPT TO:&lt;recipient&gt;" with the DSN parameters when the server offers DSN.</summary>
    public static string BuildRcpt(Mailbox mailbox, SmtpClientRecipient recipient, SmtpCapabilities capabilities)
    {
        var builder = new StringBuilder("RCPT TO:<").Append(mailbox.Address).Append('>');
        if (capabilities.Dsn)
        {
            if (recipient.DsnNotify is { } notify)
            {
                builder.Append(" NOTIFY=").Append(notify.ToUpperInvariant());
            }

            if (recipient.DsnOriginalRecipient is { } original)
            {
                // RFC 3461 section 4.2: ORCPT=addr-type ";" xtext.
                var separator = original.IndexOf(';', StringComparison.Ordinal);
                var (addressType, address) = separator > 0 && IsAddressType(original.AsSpan(0, separator))
                    ? (original[..separator], original[(separator + 1)..])
                    : ("rfc822", original);
                builder.Append(" ORCPT=").Append(addressType).Append(';').Append(EncodeXtext(address));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Encodes text as RFC 3461 section 4 xtext: octets from "!" to "~" except "+" and "=" stay as they are,
    /// every other octet of the UTF-8 form becomes "+" and two upper-case hex digits.
    /// </summary>
    /// <remarks>
    /// NOTE: RFC 6533 gives non-ASCII addresses the "utf-8" address type with its own escapes. This sends
    /// their UTF-8 octets as hexchars instead, which the receiver decodes to the same octets.
    /// </remarks>
    public static string EncodeXtext(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var octet in Encoding.UTF8.GetBytes(text))
        {
            if (octet is >= (byte)'!' and <= (byte)'~' and not (byte)'+' and not (byte)'=')
            {
                builder.Append((char)octet);
            }
            else
            {
                builder.Append('+').Append(octet.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    // RFC 3461 section 4.1: NOTIFY=NEVER, or a comma-separated list of SUCCESS, FAILURE and DELAY.
    private static bool IsValidNotify(string notify)
    {
        if (notify.Equals("NEVER", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var items = notify.Split(',');
        var known = new[] { "SUCCESS", "FAILURE", "DELAY" };
        return items.All(item => known.Contains(item, StringComparer.OrdinalIgnoreCase))
            && items.Distinct(StringComparer.OrdinalIgnoreCase).Count() == items.Length;
    }

    // addr-type is an RFC 5322 atom; the registered types are words such as "rfc822" and "utf-8".
    private static bool IsAddressType(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }
}
