using System.Text;

namespace Tern.Smtp;

/// <summary>
/// An SMTP reply: a three-digit code, an optional RFC 3463 enhanced status code and one or more text lines.
/// Instances are immutable, so a reply can be shared and its wire form is encoded once.
/// </summary>
public sealed class SmtpReply
{
    // RFC 5321 section 4.5.3.1.5: a reply line is at most 512 octets including the CRLF.
    private const int MaxLineOctets = 512;

    private byte[]? _bytes;
    private string? _joinedText;

    /// <summary>Creates a single-line reply.</summary>
    /// <param name="code">The reply code, 200 to 599.</param>
    /// <param name="enhancedStatusCode">
    /// The RFC 3463 code such as "5.1.1", whose class digit must match the first digit of <paramref name="code"/>;
    /// null for replies that carry none (the greeting, EHLO and HELO lines, 354).
    /// </param>
    /// <param name="text">The text, without CR or LF.</param>
    public SmtpReply(int code, string? enhancedStatusCode, string text)
        : this(code, enhancedStatusCode, [text])
    {
    }

    /// <summary>Creates a reply with one or more lines; the enhanced status code is repeated on each line.</summary>
    public SmtpReply(int code, string? enhancedStatusCode, IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (code is < 200 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "An SMTP reply code must be between 200 and 599.");
        }

        if (enhancedStatusCode is not null)
        {
            ValidateEnhancedStatusCode(code, enhancedStatusCode);
        }

        if (lines.Count == 0)
        {
            throw new ArgumentException("A reply needs at least one line.", nameof(lines));
        }

        foreach (var line in lines)
        {
            ArgumentNullException.ThrowIfNull(line, nameof(lines));
            if (line.AsSpan().ContainsAny('\r', '\n'))
            {
                throw new ArgumentException($"A reply line must not contain CR or LF: '{line.ReplaceLineEndings(" ")}'.", nameof(lines));
            }

            // Code, separator, enhanced code with its space, text, CRLF.
            var octets = 4 + (enhancedStatusCode is null ? 0 : enhancedStatusCode.Length + 1) + Encoding.UTF8.GetByteCount(line) + 2;
            if (octets > MaxLineOctets)
            {
                throw new ArgumentException($"A reply line is {octets} octets; RFC 5321 allows at most {MaxLineOctets}.", nameof(lines));
            }
        }

        Code = code;
        EnhancedStatusCode = enhancedStatusCode;
        Lines = [.. lines];
    }

    /// <summary>The three-digit reply code.</summary>
    public int Code { get; }

    /// <summary>The RFC 3463 enhanced status code ("2.0.0"), or null when the reply carries none.</summary>
    public string? EnhancedStatusCode { get; }

    /// <summary>The text lines, without code, enhanced status code or CRLF.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>True for 2xx and 3xx replies.</summary>
    public bool IsPositive => Code < 400;

    /// <summary>True for 4xx replies: the client may try again later.</summary>
    public bool IsTransientFailure => Code is >= 400 and < 500;

    /// <summary>True for 5xx replies.</summary>
    public bool IsPermanentFailure => Code >= 500;

    /// <summary>The text lines joined with spaces, for logs.</summary>
    internal string JoinedText => _joinedText ??= string.Join(" ", Lines);

    /// <summary>Returns the wire form: every line but the last as "code-", the last as "code ", each ending in CRLF.</summary>
    public override string ToString() => Encoding.UTF8.GetString(GetBytes());

    /// <summary>Returns the encoded wire form; the array is cached and must not be modified.</summary>
    internal byte[] GetBytes() => _bytes ??= Encode();

    private byte[] Encode()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < Lines.Count; i++)
        {
            builder.Append(Code);
            builder.Append(i == Lines.Count - 1 ? ' ' : '-');
            if (EnhancedStatusCode is not null)
            {
                builder.Append(EnhancedStatusCode);
                if (Lines[i].Length > 0)
                {
                    builder.Append(' ');
                }
            }

            builder.Append(Lines[i]);
            builder.Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    // RFC 3463 section 2: status-code = class "." subject "." detail, where class is 2, 4 or 5,
    // subject is 1 to 3 digits and detail is 1 to 3 digits. The class must agree with the reply code,
    // because both state success, transient failure or permanent failure.
    private static void ValidateEnhancedStatusCode(int code, string enhancedStatusCode)
    {
        var parts = enhancedStatusCode.Split('.');
        var valid = parts.Length == 3
            && parts[0].Length == 1
            && parts[0][0] is '2' or '4' or '5'
            && parts[0][0] - '0' == code / 100
            && parts[1].Length is >= 1 and <= 3 && parts[1].All(char.IsAsciiDigit)
            && parts[2].Length is >= 1 and <= 3 && parts[2].All(char.IsAsciiDigit);
        if (!valid)
        {
            throw new ArgumentException(
                $"'{enhancedStatusCode}' is not an RFC 3463 status code whose class matches reply code {code}.",
                nameof(enhancedStatusCode));
        }
    }
}
