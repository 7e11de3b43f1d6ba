using System.Buffers;

namespace Tern.Smtp.Server;

/// <summary>The outcome of reading one command line.</summary>
internal enum CommandLineStatus
{
    /// <summary>A complete line, which <see cref="SmtpInputReader.Line"/> returns without the CRLF.</summary>
    Line,

    /// <summary>
    /// The line exceeded the limit passed to <see cref="SmtpInputReader.ReadCommandAsync"/>; it has been skipped up to
    /// and including its CRLF.
    /// </summary>
    TooLong,

    /// <summary>The line contained a bare CR or LF; it has been skipped up to and including its CRLF.</summary>
    BareLineEnding,

    /// <summary>The client closed the connection before a complete line arrived.</summary>
    EndOfStream,
}

/// <summary>
/// Reads the client's side of an SMTP session from one pooled buffer: command lines, dot-terminated
/// DATA and BDAT chunks. Only CRLF ends a line, because any other reading of line ends lets a client
/// smuggle commands (RFC 5321 section 2.3.8). Memory use is bounded by the buffer whatever the client
/// sends: long lines are skipped and message data streams to a <see cref="MessageBodyWriter"/>.
/// </summary>
internal sealed class SmtpInputReader : IDisposable
{
    /// <summary>
    /// RFC 5321 section 4.5.3.1.4: a command line is at most 512 octets including CRLF. The reader accepts
    /// lines up to <see cref="MaxParameterCommandLineOctets"/>, and the session applies this limit to
    /// every command except MAIL and RCPT.
    /// </summary>
    public const int MaxCommandLineOctets = 512;

    /// <summary>
    /// The limit for MAIL and RCPT lines, which service extensions lengthen: 1048 octets including CRLF.
    /// </summary>
    /// <remarks>
    /// RFC 3461 allows an ORCPT value of up to 500 characters, so the limit is 512 plus 500 plus the
    /// keywords " ORCPT=" (7) and " NOTIFY=SUCCESS,FAILURE,DELAY" (29). The MAIL parameters together
    /// need less: SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531), RET and an ENVID of up to
    /// 100 characters (RFC 3461).
    /// </remarks>
    public const int MaxParameterCommandLineOctets = MaxCommandLineOctets + 500 + 7 + 29;

    private const int BufferSize = 16 * 1024;
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    private readonly Func<Memory<byte>, ValueTask<int>> _readTransport;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _lineStart;
    private int _lineLength;

    /// <param name="readTransport">
    /// Reads from the connection into the given memory and returns the count, 0 at the end of the stream.
    /// The session's delegate flushes pending replies and applies the timeout before it blocks.
    /// </param>
    public SmtpInputReader(Func<Memory<byte>, ValueTask<int>> readTransport)
    {
        _readTransport = readTransport;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    /// <summary>True when bytes the client sent are buffered and not yet consumed.</summary>
    public bool HasBufferedInput => _start < _end;

    /// <summary>The last line that <see cref="ReadCommandAsync"/> returned, without CRLF; valid until the next read.</summary>
    public ReadOnlySpan<byte> Line => _buffer.AsSpan(_lineStart, _lineLength);

    /// <summary>Reads the next command line of at most <paramref name="maxLineOctets"/> octets including CRLF.</summary>
    /// <param name="maxLineOctets">The line limit, at most the buffer size minus one.</param>
    public async ValueTask<CommandLineStatus> ReadCommandAsync(int maxLineOctets = MaxParameterCommandLineOctets)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(maxLineOctets, BufferSize);
        // Bytes after _start already searched for LF; kept across reads so a slow client costs no rescans.
        var scanned = 0;
        var bareLineEnding = false;
        while (true)
        {
            var index = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf(Lf);
            if (index >= 0)
            {
                var lf = _start + scanned + index;
                if (lf > _start && _buffer[lf - 1] == Cr)
                {
                    var lineStart = _start;
                    var lineLength = lf - 1 - _start;
                    _start = lf + 1;
                    if (lineLength + 2 > maxLineOctets)
                    {
                        return CommandLineStatus.TooLong;
                    }

                    if (bareLineEnding || _buffer.AsSpan(lineStart, lineLength).Contains(Cr))
                    {
                        return CommandLineStatus.BareLineEnding;
                    }

                    _lineStart = lineStart;
                    _lineLength = lineLength;
                    return CommandLineStatus.Line;
                }

                // A bare LF is not a line end; remember it and look for the CRLF.
                bareLineEnding = true;
                scanned = lf - _start + 1;
            }
            else
            {
                scanned = _end - _start;
            }

            // With no CRLF within the limit the line is too long whatever follows.
            if (scanned >= maxLineOctets)
            {
                return await SkipToLineEndAsync() ? CommandLineStatus.TooLong : CommandLineStatus.EndOfStream;
            }

            if (index < 0 && !await FillAsync())
            {
                return CommandLineStatus.EndOfStream;
            }
        }
    }

    /// <summary>
    /// Reads DATA content up to and including the terminating CRLF.CRLF, removes the dot that RFC 5321
    /// section 4.5.2 adds to lines starting with one, and passes the content to <paramref name="body"/>
    /// (or drops it when null). The CRLF before the final dot belongs to the content (section 4.1.1.4).
    /// Returns false when the client closed the connection first.
    /// </summary>
    public async ValueTask<bool> ReadDataAsync(MessageBodyWriter? body)
    {
        // A line starts only after CRLF: after a bare LF a dot is content, so "\n.\r\n" does not end the data.
        var atLineStart = true;
        var previousWasCr = false;
        var runStart = _start;
        while (true)
        {
            if (_start == _end)
            {
                await WriteRunAsync(body, runStart, _start);
                if (!await FillAsync())
                {
                    return false;
                }

                runStart = _start;
                continue;
            }

            if (atLineStart)
            {
                if (_buffer[_start] == (byte)'.')
                {
                    if (_end - _start < 3)
                    {
                        // Need ".\r\n" in the buffer to tell the end of data from a stuffed dot.
                        await WriteRunAsync(body, runStart, _start);
                        if (!await FillAsync())
                        {
                            return false;
                        }

                        runStart = _start;
                        continue;
                    }

                    await WriteRunAsync(body, runStart, _start);
                    if (_buffer[_start + 1] == Cr && _buffer[_start + 2] == Lf)
                    {
                        _start += 3;
                        return true;
                    }

                    _start++;
                    runStart = _start;
                }

                atLineStart = false;
                previousWasCr = false;
                continue;
            }

            var window = _buffer.AsSpan(_start, _end - _start);
            var index = window.IndexOf(Lf);
            if (index < 0)
            {
                previousWasCr = window[^1] == Cr;
                _start = _end;
                continue;
            }

            atLineStart = index > 0 ? window[index - 1] == Cr : previousWasCr;
            previousWasCr = false;
            _start += index + 1;
        }
    }

    /// <summary>
    /// Reads exactly <paramref name="size"/> octets of a BDAT chunk (RFC 3030) and passes them to
    /// <paramref name="body"/>, or drops them when null. Returns false when the client closed the
    /// connection first.
    /// </summary>
    public async ValueTask<bool> ReadChunkAsync(long size, MessageBodyWriter? body)
    {
        var remaining = size;
        while (remaining > 0)
        {
            if (_start == _end && !await FillAsync())
            {
                return false;
            }

            var count = (int)Math.Min(remaining, _end - _start);
            if (body is not null)
            {
                await body.WriteAsync(_buffer.AsMemory(_start, count));
            }

            _start += count;
            remaining -= count;
        }

        return true;
    }

    /// <summary>Drops every buffered byte and returns how many there were.</summary>
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

    // Drops the rest of an over-long line, up to and including the next CRLF.
    private async ValueTask<bool> SkipToLineEndAsync()
    {
        while (true)
        {
            var window = _buffer.AsSpan(_start, _end - _start);
            var index = window.IndexOf("\r\n"u8);
            if (index >= 0)
            {
                _start += index + 2;
                return true;
            }

            // Keep a trailing CR: its LF may come with the next read.
            _start = window.Length > 0 && window[^1] == Cr ? _end - 1 : _end;
            if (!await FillAsync())
            {
                return false;
            }
        }
    }

    private async ValueTask<bool> FillAsync()
    {
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        var read = await _readTransport(_buffer.AsMemory(_end));
        _end += read;
        return read > 0;
    }

    private ValueTask WriteRunAsync(MessageBodyWriter? body, int from, int to) =>
        body is null || to <= from ? ValueTask.CompletedTask : body.WriteAsync(_buffer.AsMemory(from, to - from));
}
