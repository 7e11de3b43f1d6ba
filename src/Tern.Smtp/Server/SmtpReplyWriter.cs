using System.Buffers;

namespace Tern.Smtp.Server;

/// <summary>
/// Collects replies in a pooled buffer so that the replies to a pipelined group of commands leave in
/// one write (RFC 2920 section 3.2). The session decides when to flush.
/// </summary>
internal sealed class SmtpReplyWriter : IDisposable
{
    /// <summary>Pending replies above this size should be flushed even with more input buffered.</summary>
    public const int FlushThreshold = 8 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(1024);
    private int _length;

    /// <summary>The number of octets waiting to be sent.</summary>
    public int PendingLength => _length;

    /// <summary>Appends a reply to the pending output.</summary>
    public void Append(SmtpReply reply)
    {
        var bytes = reply.GetBytes();
        if (_buffer.Length - _length < bytes.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes.Length));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Writes the pending replies to <paramref name="stream"/> and flushes it.</summary>
    public async ValueTask FlushAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (_length == 0)
        {
            return;
        }

        var length = _length;
        _length = 0;
        await stream.WriteAsync(_buffer.AsMemory(0, length), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
