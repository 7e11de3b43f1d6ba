using System.Text;
using Tern.Smtp.Server;

namespace Tern.Smtp.Protocol;

/// <summary>
/// Parses the arguments of MAIL and RCPT: the path and the ESMTP parameters SIZE (RFC 1870),
/// BODY (RFC 6152), SMTPUTF8 (RFC 6531), RET and ENVID, NOTIFY and ORCPT (RFC 3461).
/// Each method returns null on success or the reply that rejects the command.
/// </summary>
internal static class SmtpArgumentParser
{
    /// <summary>
    /// Parses "FROM:&lt;path&gt; [parameters]" into a new envelope. <paramref name="extendedHello"/> is false
    /// after HELO, when any parameter gets 555. <paramref name="acceptAuthParameter"/> is true where the
    /// session offers AUTH, which RFC 4954 section 5 pairs with the AUTH parameter of MAIL.
    /// </summary>
    public static SmtpReply? ParseMail(string argument, bool extendedHello, long maxMessageSize, out SmtpEnvelope? envelope, bool acceptAuthParameter = false)
    {
        envelope = null;
        if (!TrySplitPath(argument, "FROM:", out var pathText))
        {
            return SmtpReplies.MailSyntax;
        }

        if (!SmtpPathParser.TryParsePath(pathText, SmtpPathKind.Reverse, out var sender, out var pathLength))
        {
            return SmtpReplies.SenderSyntax;
        }

        var bodyType = SmtpBodyType.Unspecified;
        var smtpUtf8 = false;
        long? size = null;
        DsnReturn? dsnReturn = null;
        string? envelopeId = null;
        var sizeOverflow = false;
        var sawAuth = false;

        var parameters = new ParameterReader(pathText[pathLength..]);
        while (parameters.TryRead(out var keyword, out var value))
        {
            if (!extendedHello)
            {
                return SmtpReplies.ParametersNeedEhlo;
            }

            if (keyword.Equals("SIZE", StringComparison.OrdinalIgnoreCase))
            {
                // RFC 1870: size-value = 1*20DIGIT. Twenty digits can exceed a long, and such a size is
                // over any limit rather than a syntax error.
                if (size is not null || sizeOverflow || value is null || value.Length > 20 || !value.All(char.IsAsciiDigit))
                {
                    return InvalidParameter("SIZE");
                }

                if (long.TryParse(value, out var parsed))
                {
                    size = parsed;
                }
                else
                {
                    sizeOverflow = true;
                }
            }
            else if (keyword.Equals("BODY", StringComparison.OrdinalIgnoreCase))
            {
                // BINARYMIME (RFC 3030) is not offered, so only the RFC 6152 values are valid.
                if (bodyType != SmtpBodyType.Unspecified || value is null)
                {
                    return InvalidParameter("BODY");
                }

                bodyType = value.ToUpperInvariant() switch
                {
                    "7BIT" => SmtpBodyType.SevenBit,
                    "8BITMIME" => SmtpBodyType.EightBitMime,
                    _ => SmtpBodyType.Unspecified,
                };
                if (bodyType == SmtpBodyType.Unspecified)
                {
                    return InvalidParameter("BODY");
                }
            }
            else if (keyword.Equals("SMTPUTF8", StringComparison.OrdinalIgnoreCase))
            {
                // RFC 6531 section 3.4: the parameter has no value.
                if (smtpUtf8 || value is not null)
                {
                    return InvalidParameter("SMTPUTF8");
                }

                smtpUtf8 = true;
            }
            else if (keyword.Equals("RET", StringComparison.OrdinalIgnoreCase))
            {
                if (dsnReturn is not null || value is null)
                {
                    return InvalidParameter("RET");
                }

                dsnReturn = value.ToUpperInvariant() switch
                {
                    "FULL" => DsnReturn.Full,
                    "HDRS" => DsnReturn.Headers,
                    _ => null,
                };
                if (dsnReturn is null)
                {
                    return InvalidParameter("RET");
                }
            }
            else if (keyword.Equals("ENVID", StringComparison.OrdinalIgnoreCase))
            {
                if (envelopeId is not null || value is null || !TryDecodeXtext(value, out envelopeId))
                {
                    return InvalidParameter("ENVID");
                }
            }
            else if (acceptAuthParameter && keyword.Equals("AUTH", StringComparison.OrdinalIgnoreCase))
            {
                // RFC 4954 section 5: the value names who submitted the message originally. Tern trusts
                // only its own authentication of the session, so the value is checked and then dropped.
                if (sawAuth || value is null || !TryDecodeXtext(value, out _))
                {
                    return InvalidParameter("AUTH");
                }

                sawAuth = true;
            }
            else
            {
                return UnknownParameter(keyword);
            }
        }

        if (parameters.Error is { } syntaxError)
        {
            return syntaxError;
        }

        // RFC 6531 section 3.3: UTF-8 in parameter values needs SMTPUTF8 just as UTF-8 in addresses does.
        if (!smtpUtf8 && parameters.SawNonAscii)
        {
            return SmtpReplies.NonAsciiAddress;
        }

        if (!smtpUtf8 && sender is { RequiresSmtpUtf8: true })
        {
            return SmtpReplies.NonAsciiAddress;
        }

        if (sizeOverflow || size > maxMessageSize)
        {
            return SmtpReplies.SizeExceeded;
        }

        envelope = new SmtpEnvelope(sender)
        {
            BodyType = bodyType,
            SmtpUtf8 = smtpUtf8,
            DeclaredSize = size,
            Return = dsnReturn,
            EnvelopeId = envelopeId,
        };
        return null;
    }

    /// <summary>
    /// Parses "TO:&lt;path&gt; [parameters]". <paramref name="extendedHello"/> is false after HELO, when any
    /// parameter gets 555, and <paramref name="smtpUtf8"/> is the transaction's SMTPUTF8 flag.
    /// </summary>
    public static SmtpReply? ParseRcpt(string argument, bool extendedHello, bool smtpUtf8, out SmtpRecipient? recipient)
    {
        recipient = null;
        if (!TrySplitPath(argument, "TO:", out var pathText))
        {
            return SmtpReplies.RcptSyntax;
        }

        if (!SmtpPathParser.TryParsePath(pathText, SmtpPathKind.Forward, out var mailbox, out var pathLength) || mailbox is null)
        {
            return SmtpReplies.RecipientSyntax;
        }

        var notify = DsnNotify.Unspecified;
        string? originalRecipient = null;
        var parameters = new ParameterReader(pathText[pathLength..]);
        while (parameters.TryRead(out var keyword, out var value))
        {
            if (!extendedHello)
            {
                return SmtpReplies.ParametersNeedEhlo;
            }

            if (keyword.Equals("NOTIFY", StringComparison.OrdinalIgnoreCase))
            {
                if (notify != DsnNotify.Unspecified || value is null || !TryParseNotify(value, out notify))
                {
                    return InvalidParameter("NOTIFY");
                }
            }
            else if (keyword.Equals("ORCPT", StringComparison.OrdinalIgnoreCase))
            {
                if (originalRecipient is not null || value is null || !TryParseOriginalRecipient(value, out originalRecipient))
                {
                    return InvalidParameter("ORCPT");
                }
            }
            else
            {
                return UnknownParameter(keyword);
            }
        }

        if (parameters.Error is { } syntaxError)
        {
            return syntaxError;
        }

        if (!smtpUtf8 && (mailbox.RequiresSmtpUtf8 || parameters.SawNonAscii))
        {
            return SmtpReplies.NonAsciiAddress;
        }

        recipient = new SmtpRecipient(mailbox) { Notify = notify, OriginalRecipient = originalRecipient };
        return null;
    }

    // RFC 5321 section 4.1.1.2 writes "MAIL FROM:<path>" with no space after the colon. Many clients send
    // one anyway; accepting it harms nothing, so spaces before the path are skipped.
    private static bool TrySplitPath(string argument, string prefix, out ReadOnlySpan<char> path)
    {
        path = default;
        if (!argument.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        path = argument.AsSpan(prefix.Length).TrimStart(' ');
        return true;
    }

    // RFC 3461 section 4.1: NOTIFY=NEVER, or a comma-separated list of SUCCESS, FAILURE and DELAY.
    private static bool TryParseNotify(string value, out DsnNotify notify)
    {
        notify = DsnNotify.Unspecified;
        if (value.Equals("NEVER", StringComparison.OrdinalIgnoreCase))
        {
            notify = DsnNotify.Never;
            return true;
        }

        foreach (var item in value.Split(','))
        {
            var flag = item.ToUpperInvariant() switch
            {
                "SUCCESS" => DsnNotify.Success,
                "FAILURE" => DsnNotify.Failure,
                "DELAY" => DsnNotify.Delay,
                _ => DsnNotify.Unspecified,
            };
            if (flag == DsnNotify.Unspecified || notify.HasFlag(flag))
            {
                return false;
            }

            notify |= flag;
        }

        return true;
    }

    // RFC 3461 section 4.2: ORCPT=addr-type ";" xtext, where addr-type is an atom such as "rfc822".
    // NOTE: the RFC 6533 "utf-8" address type escapes characters as \x{HEX}; such escapes are kept as sent.
    private static bool TryParseOriginalRecipient(string value, out string? originalRecipient)
    {
        originalRecipient = null;
        var separator = value.IndexOf(';', StringComparison.Ordinal);
        if (separator <= 0 || !IsAtom(value.AsSpan(0, separator)) || !TryDecodeXtext(value[(separator + 1)..], out var address) || address.Length == 0)
        {
            return false;
        }

        originalRecipient = value[..separator] + ";" + address;
        return true;
    }

    // RFC 3461 section 4: xtext = *( xchar / hexchar ), xchar is "!" to "~" except "+" and "=",
    // hexchar is "+" and two upper-case hex digits. Non-ASCII characters pass through; whether they are
    // allowed is checked against SMTPUTF8 separately. Decoded control characters are rejected, because
    // the values end up in DSN header fields (RFC 3464) where a CR or LF would start a new field.
    private static bool TryDecodeXtext(string value, out string decoded)
    {
        decoded = value;
        if (!value.Contains('+', StringComparison.Ordinal))
        {
            return !value.Contains('=', StringComparison.Ordinal);
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '=')
            {
                return false;
            }

            if (c != '+')
            {
                builder.Append(c);
                continue;
            }

            if (i + 2 >= value.Length || !IsUpperHex(value[i + 1]) || !IsUpperHex(value[i + 2]))
            {
                return false;
            }

            var decodedChar = (char)Convert.ToByte(value.Substring(i + 1, 2), 16);
            if (char.IsControl(decodedChar))
            {
                return false;
            }

            builder.Append(decodedChar);
            i += 2;
        }

        decoded = builder.ToString();
        return true;
    }

    private static bool IsUpperHex(char c) => char.IsAsciiDigit(c) || c is >= 'A' and <= 'F';

    // RFC 5322 atom: ASCII atext only.
    private static bool IsAtom(ReadOnlySpan<char> text) =>
        Ascii.IsValid(text) && SmtpPathParser.IsDotString(text) && !text.Contains('.');

    private static SmtpReply InvalidParameter(string keyword) => new(501, "5.5.4", $"Invalid {keyword} parameter");

    private static SmtpReply UnknownParameter(string keyword)
    {
        // The keyword comes from the client: keep the reply short and printable.
        var printableKeyword = keyword.Length > 32 || !Ascii.IsValid(keyword) ? "parameter" : keyword;
        return new SmtpReply(555, "5.5.4", $"Unsupported parameter {printableKeyword}");
    }

    /// <summary>
    /// Reads the ESMTP parameters that follow a path: esmtp-param = esmtp-keyword ["=" esmtp-value],
    /// separated by spaces (RFC 5321 section 4.1.2). RFC 6531 section 3.3 allows UTF-8 in values.
    /// </summary>
    private ref struct ParameterReader(ReadOnlySpan<char> text)
    {
        private ReadOnlySpan<char> _remaining = text;

        /// <summary>The reply for a syntax error, set when <see cref="TryRead"/> stopped on one.</summary>
        public SmtpReply? Error { get; private set; }

        /// <summary>True when any value contained a non-ASCII character.</summary>
        public bool SawNonAscii { get; private set; }

        /// <summary>Reads the next parameter; returns false at the end or on a syntax error.</summary>
        public bool TryRead(out string keyword, out string? value)
        {
            keyword = string.Empty;
            value = null;
            if (_remaining.IsEmpty)
            {
                return false;
            }

            // The path must be followed by a space or nothing, so "<a@example.net>x" is rejected here.
            if (_remaining[0] != ' ')
            {
                return Fail();
            }

            _remaining = _remaining.TrimStart(' ');
            if (_remaining.IsEmpty)
            {
                return false;
            }

            var end = _remaining.IndexOf(' ');
            var token = end < 0 ? _remaining : _remaining[..end];
            _remaining = end < 0 ? [] : _remaining[end..];

            var equals = token.IndexOf('=');
            var keywordText = equals < 0 ? token : token[..equals];
            if (keywordText.IsEmpty || !char.IsAsciiLetterOrDigit(keywordText[0]) || keywordText.ContainsAnyExcept(KeywordCharacters))
            {
                return Fail();
            }

            if (equals >= 0)
            {
                // esmtp-value = 1*(%d33-60 / %d62-126), so no '=' inside and no control characters.
                var valueText = token[(equals + 1)..];
                foreach (var c in valueText)
                {
                    if (c > 0x7F)
                    {
                        SawNonAscii = true;
                    }
                    else if (c is < '!' or > '~' or '=')
                    {
                        return Fail();
                    }
                }

                if (valueText.IsEmpty)
                {
                    return Fail();
                }

                value = valueText.ToString();
            }

            keyword = keywordText.ToString();
            return true;
        }

        private bool Fail()
        {
            Error = InvalidParameterSyntax;
            _remaining = [];
            return false;
        }
    }

    private static readonly SmtpReply InvalidParameterSyntax = new(501, "5.5.4", "Invalid parameter syntax");

    private static readonly System.Buffers.SearchValues<char> KeywordCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");
}
