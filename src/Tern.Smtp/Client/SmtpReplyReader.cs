using System.Buffers;
using System.Text;

namespace Tern.Smtp.Client;

/// <summary>
/// Reads the server's replies (RFC 5321 section 4.2) from the connection into <see cref="SmtpReply"/>
/// values. It reads ahead into its buffer, so <see cref="BufferedCount"/> shows whether the server sent
/// more than the reply just read.
/// </summary>
internal sealed class SmtpReplyReader : IDisposable
{
    /// <summary>
    /// The longest reply line accepted, in octets with its line ending. RFC 5321 section 4.5.3.1.5 allows
    /// 512, but some servers send longer text, and failing a delivery over reply text would help no one.
    /// </summary>
    public const int MaxLineOctets = 4096;

    /// <summary>The most lines accepted in one reply; EHLO replies, the longest in practice, have about 20.</summary>
    public const int MaxLines = 100;

    // SmtpReply enforces the RFC 5321 limit of 512 octets per line; text beyond it is cut off.
    private const int MaxReplyLineOctets = 512;

    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(MaxLineOctets * 2);
    private int _start;
    private int _end;

    public SmtpReplyReader(Stream stream)
    {
        Stream = stream;
    }

    /// <summary>The connection; replaced by the TLS stream after STARTTLS.</summary>
    public Stream Stream { get; set; }

    /// <summary>Whether to take an RFC 3463 status code from the start of the text (RFC 2034 section 4).</summary>
    public bool ParseEnhancedStatusCodes { get; set; }

    /// <summary>The number of octets received and not yet read as a reply.</summary>
    public int BufferedCount => _end - _start;

    /// <summary>
    /// Reads one complete reply. Throws <see cref="SmtpClientException"/> for a malformed reply and
    /// <see cref="EndOfStreamException"/> when the server closes the connection first.
    /// </summary>
    public async ValueTask<SmtpReply> ReadAsync(SmtpClientStage stage, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var code = 0;
        string? enhancedStatusCode = null;
        while (true)
        {
            var line = await ReadLineAsync(stage, cancellationToken);
            if (!TryParseLine(line.Span, out var lineCode, out var isLast, out var textStart))
            {
                throw new SmtpClientException(stage, null, $"The server sent a malformed reply line during {stage}: '{Printable(line.Span)}'.");
            }

            if (lines.Count == 0)
            {
                code = lineCode;
            }
            else if (lineCode != code)
            {
                throw new SmtpClientException(stage, null, $"The server sent a reply whose lines have different codes ({code} and {lineCode}) during {stage}.");
            }

            var text = line.Span[textStart..];
            if (ParseEnhancedStatusCodes)
            {
                if (lines.Count == 0)
                {
                    enhancedStatusCode = ReadEnhancedStatusCode(text, code);
                }

                // RFC 2034 section 4 repeats the status code on every line; the text after it is kept.
                if (enhancedStatusCode is not null && text.StartsWith(Encoding.ASCII.GetBytes(enhancedStatusCode)))
                {
                    text = text[enhancedStatusCode.Length..];
                    if (!text.IsEmpty && text[0] == (byte)' ')
                    {
                        text = text[1..];
                    }
                }
            }

            lines.Add(DecodeText(text, enhancedStatusCode));
            if (isLast)
            {
                return new SmtpReply(code, enhancedStatusCode, lines);
            }

            if (lines.Count >= MaxLines)
            {
                throw new SmtpClientException(stage, null, $"The server sent a reply of more than {MaxLines} lines during {stage}.");
            }
        }
    }

    /// <summary>Drops every buffered octet and returns how many there were.</summary>
    public int DiscardBufferedInput()
    {
        var count = _end - _start;
        _start = 0;
        _end = 0;
        return count;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _start = 0;
        _end = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Splits a reply line into its code, its separator and the offset of its text. RFC 5321 section 4.2:
    /// Reply-line = *( Reply-code "-" [ textstring ] CRLF ) Reply-code [ SP textstring ] CRLF, where the first
    /// digit of the code is 2 to 5. A 1xx or 6xx code is not a reply SMTP defines, so it is malformed here.
    /// </summary>
    internal static bool TryParseLine(ReadOnlySpan<byte> line, out int code, out bool isLast, out int textStart)
    {
        code = 0;
        isLast = true;
        textStart = 3;
        if (line.Length < 3 || line[0] is < (byte)'2' or > (byte)'5' || !IsDigit(line[1]) || !IsDigit(line[2]))
        {
            return false;
        }

        code = ((line[0] - '0') * 100) + ((line[1] - '0') * 10) + (line[2] - '0');
        if (line.Length == 3)
        {
            return true;
        }

        if (line[3] is not ((byte)' ' or (byte)'-'))
        {
            return false;
        }

        isLast = line[3] == (byte)' ';
        textStart = 4;
        return true;
    }

    /// <summary>
    /// Returns the RFC 3463 status code at the start of <paramref name="text"/> when it is followed by a space
    /// or the end of the line and its class matches the reply code, or null.
    /// </summary>
    internal static string? ReadEnhancedStatusCode(ReadOnlySpan<byte> text, int code)
    {
        // class "." subject "." detail, with a one-digit class and one to three digits in the others.
        var end = text.IndexOf((byte)' ');
        var candidate = end < 0 ? text : text[..end];
        // RFC 3463 section 2 defines only the classes 2, 4 and 5, so a 3xx reply such as 354 has none.
        if (candidate.Length is < 5 or > 9 || candidate[0] is not ((byte)'2' or (byte)'4' or (byte)'5') || candidate[0] - '0' != code / 100 || candidate[1] != (byte)'.')
        {
            return null;
        }

        var rest = candidate[2..];
        var dot = rest.IndexOf((byte)'.');
        if (dot is < 1 or > 3 || !AllDigits(rest[..dot]))
        {
            return null;
        }

        var detail = rest[(dot + 1)..];
        return detail.Length is >= 1 and <= 3 && AllDigits(detail) ? Encoding.ASCII.GetString(candidate) : null;
    }

    // RFC 6531 section 3.7.4 allows UTF-8 in reply text; invalid octets become U+FFFD rather than failing.
    // NOTE: text beyond the 512-octet line limit of RFC 5321 is cut off, because SmtpReply keeps that limit.
    private static string DecodeText(ReadOnlySpan<byte> text, string? enhancedStatusCode)
    {
        var decoded = Encoding.UTF8.GetString(text);
        var maxTextOctets = MaxReplyLineOctets - 6 - (enhancedStatusCode is null ? 0 : enhancedStatusCode.Length + 1);
        if (Encoding.UTF8.GetByteCount(decoded) <= maxTextOctets)
        {
            return decoded;
        }

        var builder = new StringBuilder();
        var octets = 0;
        foreach (var rune in decoded.EnumerateRunes())
        {
            octets += rune.Utf8SequenceLength;
            if (octets > maxTextOctets)
            {
                break;
            }

            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }

    private static bool IsDigit(byte value) => value is >= (byte)'0' and <= (byte)'9';

    private static bool AllDigits(ReadOnlySpan<byte> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange((byte)'0', (byte)'9');

    private static string Printable(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line[..Math.Min(line.Length, 80)]);
        return string.Concat(text.Select(c => char.IsControl(c) ? '?' : c));
    }

    // Returns the next line without its line ending, valid until the next read. RFC 5321 section 2.3.8 ends
    // lines with CRLF, but a bare LF is accepted here as Postfix's client does: a reply cannot smuggle
    // anything, because the client reads only as many replies as it sent commands. A CR elsewhere in the
    // line is still malformed.
    private async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync(SmtpClientStage stage, CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var index = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf(Lf);
            if (index >= 0)
            {
                var lineStart = _start;
                var lineEnd = _start + scanned + index;
                _start = lineEnd + 1;
                if (lineEnd > lineStart && _buffer[lineEnd - 1] == Cr)
                {
                    lineEnd--;
                }

                if (lineEnd - lineStart + 2 > MaxLineOctets)
                {
                    throw new SmtpClientException(stage, null, $"The server sent a reply line longer than {MaxLineOctets} octets during {stage}.");
                }

                var line = _buffer.AsMemory(lineStart, lineEnd - lineStart);
                if (line.Span.Contains(Cr))
                {
                    throw new SmtpClientException(stage, null, $"The server sent a reply line with a bare CR during {stage}.");
                }

                return line;
            }

            scanned = _end - _start;
            if (scanned >= MaxLineOctets)
            {
                throw new SmtpClientException(stage, null, $"The server sent a reply line longer than {MaxLineOctets} octets during {stage}.");
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            var read = await Stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException($"The server closed the connection during {stage}.");
            }

            _end += read;
        }
    }
}
