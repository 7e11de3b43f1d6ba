namespace Tern.Smtp.Client;

/// <summary>
/// Prepares message content for DATA (RFC 5321 section 4.5.2): doubles a dot at the start of a line and
/// ends the content with CRLF "." CRLF. Every other octet is sent as stored, so the line endings of the
/// content are not rewritten.
/// </summary>
internal sealed class DataContentEncoder
{
    /// <summary>The octets <see cref="Complete"/> writes at most: CRLF and ".\r\n".</summary>
    public const int MaxTrailerLength = 5;

    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';
    private const byte Dot = (byte)'.';

    // A line starts at the beginning of the content and after every LF. RFC 5321 section 2.3.8 makes only
    // CRLF a line ending, but servers that also end lines at a bare LF would read "\n.\r\n" as the end of
    // the data and the rest as new commands. Doubling the dot there too keeps the end of the data the same
    // for every server, at the cost of one extra dot for the few servers that keep a bare LF as content.
    private bool _atLineStart = true;
    private byte _previous;
    private byte _beforePrevious;
    private long _inputLength;

    /// <summary>Returns the output size that suffices for <paramref name="inputLength"/> octets of input.</summary>
    public static int GetMaxOutputLength(int inputLength) => (inputLength * 2) + MaxTrailerLength;

    /// <summary>Encodes the next part of the content into <paramref name="output"/> and returns the octets written.</summary>
    public int Encode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var written = 0;
        var position = 0;
        while (position < input.Length)
        {
            if (_atLineStart && input[position] == Dot)
            {
                output[written++] = Dot;
            }

            var index = input[position..].IndexOf(Lf);
            var runEnd = index < 0 ? input.Length : position + index + 1;
            input[position..runEnd].CopyTo(output[written..]);
            written += runEnd - position;
            _atLineStart = index >= 0;
            position = runEnd;
        }

        Remember(input);
        return written;
    }

    /// <summary>
    /// Writes the end of the data and returns the octets written. RFC 5321 section 4.1.1.4: the CRLF before
    /// the dot ends the last line of the content, so one is added when the content does not end with CRLF;
    /// empty content needs none, because the CRLF of the DATA command serves.
    /// </summary>
    public int Complete(Span<byte> output)
    {
        var written = 0;
        if (_inputLength > 0 && !(_beforePrevious == Cr && _previous == Lf))
        {
            output[written++] = Cr;
            output[written++] = Lf;
        }

        output[written++] = Dot;
        output[written++] = Cr;
        output[written++] = Lf;
        return written;
    }

    private void Remember(ReadOnlySpan<byte> input)
    {
        if (input.Length >= 2)
        {
            _beforePrevious = input[^2];
            _previous = input[^1];
        }
        else if (input.Length == 1)
        {
            _beforePrevious = _previous;
            _previous = input[0];
        }

        _inputLength += input.Length;
    }
}
