using System.Globalization;
using System.Text;

namespace Tern.Dane.Check;

/// <summary>
/// Reads SMTP replies from a stream through its own buffer and reports how many bytes beyond the
/// last reply it holds, so that the caller can reject a server that sent data right after its 220
/// reply to STARTTLS.
/// </summary>
internal sealed class SmtpReplyReader
{
    // RFC 5321 section 4.5.3.1.5 sets 512 octets per reply line; the bound is larger to tolerate servers that exceed it.
    private const int MaxLineLength = 4096;
    private const int MaxLines = 100;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[MaxLineLength];
    private int _start;
    private int _end;

    public SmtpReplyReader(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Number of bytes received after the last complete reply and not yet read.</summary>
    public int BufferedByteCount => _end - _start;

    /// <summary>Reads one reply, single-line or multiline.</summary>
    /// <exception cref="InvalidDataException">The reply is malformed or the connection closed.</exception>
    public async Task<SmtpProbeReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        int? code = null;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var lineCode))
            {
                throw new InvalidDataException($"malformed SMTP reply line '{Printable(line)}'");
            }

            if (code is { } first && first != lineCode)
            {
                throw new InvalidDataException($"SMTP reply lines carry different codes: {first} and {lineCode}");
            }

            code = lineCode;
            lines.Add(Printable(line));

            // "250-" continues the reply; "250 " or a bare "250" ends it (RFC 5321 section 4.2.1).
            var isLast = line.Length == 3 || line[3] != '-';
            if (isLast)
            {
                return new SmtpProbeReply(lineCode, lines);
            }

            if (lines.Count >= MaxLines)
            {
                throw new InvalidDataException($"SMTP reply has more than {MaxLines} lines");
            }
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == '\r')
                {
                    length--;
                }

                var line = Encoding.Latin1.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidDataException($"SMTP reply line longer than {MaxLineLength} bytes");
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                throw new InvalidDataException("the server closed the connection");
            }

            _end += read;
        }
    }

    // Server text goes into reports and terminals, so control characters are replaced.
    private static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c is < ' ' or > '~' ? '?' : c);
        }

        return builder.ToString();
    }
}
