using Tern.Smtp.Protocol;

namespace Tern.Smtp.Server;

/// <summary>
/// Checks message content as it arrives and copies it to the handler's stream until a check fails.
/// The RFC 5321 checks are CRLF as the only line ending (section 2.3.8), text lines of at most 1000 octets
/// including CRLF (section 4.5.3.1.6) and no NUL octet (section 4.1.1.4). The content must also have at
/// least one octet and stay within the size limit (RFC 1870). After the first
/// failure nothing more is written, but the caller keeps reading to the end of the data so that the
/// session stays in step with the client.
/// </summary>
internal sealed class MessageBodyWriter
{
    private const int MaxLineOctetsWithoutCrlf = 998;
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    private readonly Stream _content;
    private readonly long _maxSize;
    private int _lineLength;
    private bool _pendingCr;

    /// <param name="content">The handler's message stream; the Received header is already in it.</param>
    /// <param name="maxSize">The maximum content size in octets.</param>
    public MessageBodyWriter(Stream content, long maxSize)
    {
        _content = content;
        _maxSize = maxSize;
    }

    /// <summary>The content octets received, after dot-unstuffing, whether or not they were stored.</summary>
    public long Size { get; private set; }

    /// <summary>The reply for the first content check that failed, or null while all pass.</summary>
    public SmtpReply? Rejection { get; private set; }

    /// <summary>The exception of a failed write to the handler's stream, or null.</summary>
    public Exception? StoreError { get; private set; }

    /// <summary>Checks and stores the next part of the content.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> segment)
    {
        Size += segment.Length;
        if (Rejection is not null)
        {
            return;
        }

        if (Size > _maxSize)
        {
            Rejection = SmtpReplies.MessageTooBig;
            return;
        }

        Check(segment.Span);
        if (Rejection is not null || StoreError is not null)
        {
            return;
        }

        try
        {
            // Not cancelled at shutdown, because a message in progress is finished first.
            await _content.WriteAsync(segment, CancellationToken.None);
        }
#pragma warning disable CA1031 // The stream belongs to the handler; whatever it throws becomes a temporary failure.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            // Keep reading the client's data; the session replies 451 at its end.
            StoreError = exception;
        }
    }

    /// <summary>Marks the end of the content, where a CR with no LF after it or no content at all fails.</summary>
    public void Complete()
    {
        if (Rejection is not null)
        {
            return;
        }

        if (_pendingCr)
        {
            Rejection = SmtpReplies.MessageBareLineEnding;
        }
        else if (Size == 0)
        {
            Rejection = SmtpReplies.EmptyMessage;
        }
    }

    private void Check(ReadOnlySpan<byte> segment)
    {
        if (segment.Contains((byte)0))
        {
            Rejection = SmtpReplies.MessageContainsNul;
            return;
        }

        var position = 0;
        if (_pendingCr && !segment.IsEmpty)
        {
            if (segment[0] != Lf)
            {
                Rejection = SmtpReplies.MessageBareLineEnding;
                return;
            }

            _pendingCr = false;
            _lineLength = 0;
            position = 1;
        }

        while (position < segment.Length)
        {
            var index = segment[position..].IndexOfAny(Cr, Lf);
            _lineLength += index < 0 ? segment.Length - position : index;
            if (_lineLength > MaxLineOctetsWithoutCrlf)
            {
                Rejection = SmtpReplies.MessageLineTooLong;
                return;
            }

            if (index < 0)
            {
                return;
            }

            var lineEnd = position + index;
            if (segment[lineEnd] == Lf)
            {
                Rejection = SmtpReplies.MessageBareLineEnding;
                return;
            }

            if (lineEnd + 1 == segment.Length)
            {
                _pendingCr = true;
                return;
            }

            if (segment[lineEnd + 1] != Lf)
            {
                Rejection = SmtpReplies.MessageBareLineEnding;
                return;
            }

            _lineLength = 0;
            position = lineEnd + 2;
        }
    }
}
