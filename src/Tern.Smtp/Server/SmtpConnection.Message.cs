using System.Globalization;
using System.Text;
using Tern.Smtp.Protocol;

namespace Tern.Smtp.Server;

/// <summary>Message transfer: DATA, BDAT and committing the message to the handler.</summary>
internal sealed partial class SmtpConnection
{
    // The message of a BDAT transaction, open from its first chunk to the LAST one.
    private IIncomingMessage? _chunkedMessage;
    private MessageBodyWriter? _chunkedBody;

    private async ValueTask<bool> HandleDataAsync(string argument)
    {
        if (argument.Length > 0)
        {
            Reply(SmtpReplies.NoArguments);
            return true;
        }

        var rejection = CheckReadyForContent();
        if (rejection is null && _chunkedMessage is not null)
        {
            // RFC 3030: DATA and BDAT cannot be mixed in one transaction.
            rejection = SmtpReplies.DataAfterBdat;
        }

        if (rejection is not null)
        {
            Reply(rejection);
            return true;
        }

        var envelope = _envelope!;
        var message = await BeginMessageAsync(envelope);
        if (message is null)
        {
            return true;
        }

        try
        {
            var body = new MessageBodyWriter(message.Content, _options.MaxMessageSize);
            Reply(SmtpReplies.StartMailInput);
            await FlushAsync();

            _readTimeout = _options.DataTimeout;
            if (!await _reader.ReadDataAsync(body))
            {
                Log.ConnectionLost(_logger, _context.SessionId, _context.RemoteEndPoint, null);
                return false;
            }

            body.Complete();
            await CompleteMessageAsync(message, envelope, body);
            return true;
        }
        finally
        {
            _envelope = null;
            await DiscardAsync(message);
        }
    }

    /// <summary>
    /// Receives one BDAT chunk of <paramref name="size"/> octets, or skips it and sends
    /// <paramref name="lineRejection"/> when the command line was invalid.
    /// </summary>
    private async ValueTask<bool> HandleBdatAsync(long size, bool last, SmtpReply? lineRejection)
    {
        _readTimeout = _options.DataTimeout;
        var rejection = lineRejection ?? CheckReadyForChunk();
        if (rejection is not null)
        {
            return await SkipChunkAsync(size, rejection);
        }

        var envelope = _envelope!;
        if (_chunkedMessage is null)
        {
            var opened = await BeginMessageAsync(envelope, replyOnFailure: false);
            if (opened is null)
            {
                return await SkipChunkAsync(size, SmtpReplies.StorageFailed);
            }

            _chunkedMessage = opened;
            _chunkedBody = new MessageBodyWriter(opened.Content, _options.MaxMessageSize);
        }

        var message = _chunkedMessage;
        var body = _chunkedBody!;
        if (!await _reader.ReadChunkAsync(size, body))
        {
            Log.ConnectionLost(_logger, _context.SessionId, _context.RemoteEndPoint, null);
            return false;
        }

        if (last)
        {
            body.Complete();
        }

        var failed = body.Rejection is not null || body.StoreError is not null;
        if (!last && !failed)
        {
            Reply(new SmtpReply(250, "2.0.0", size.ToString(CultureInfo.InvariantCulture) + " octets received"));
            return true;
        }

        await CompleteMessageAsync(message, envelope, body);
        await AbortTransactionAsync();
        return true;
    }

    // RFC 3030: bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ], chunk-size = 1*DIGIT. Returns false
    // when the size is unreadable. More than 18 digits could overflow a long, and no real chunk is an
    // exabyte. A readable size with anything but " LAST" after it sets the 501 reply in syntaxError.
    // Bytes, not text, because the size must be found even in a line that is not valid UTF-8.
    private static bool TryParseBdatArgument(ReadOnlySpan<byte> argument, out long size, out bool last, out SmtpReply? syntaxError)
    {
        last = false;
        syntaxError = null;

        // RFC 5321 has no trailing spaces in command syntax, but they are common and harmless.
        argument = argument.TrimEnd(" \t"u8);
        var space = argument.IndexOf((byte)' ');
        var digits = space < 0 ? argument : argument[..space];
        if (digits.Length is 0 or > 18
            || digits.ContainsAnyExceptInRange((byte)'0', (byte)'9')
            || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out size))
        {
            size = 0;
            return false;
        }

        var rest = space < 0 ? [] : argument[space..];
        last = Ascii.EqualsIgnoreCase(rest, " LAST"u8);
        if (!rest.IsEmpty && !last)
        {
            syntaxError = SmtpReplies.BdatSyntax;
        }

        return true;
    }

    // The chunk follows its command whatever the reply, so it is read and dropped, never taken as
    // commands. RFC 3030: after an error reply to a chunk the transaction has failed, so chunks that
    // the client pipelined after it find no transaction and get 503.
    private async ValueTask<bool> SkipChunkAsync(long size, SmtpReply rejection)
    {
        if (!await _reader.ReadChunkAsync(size, body: null))
        {
            Log.ConnectionLost(_logger, _context.SessionId, _context.RemoteEndPoint, null);
            return false;
        }

        Reply(rejection);
        await AbortTransactionAsync();
        return true;
    }

    // Without a readable size the end of the chunk is unknown, and reading on would execute message
    // content as commands. RFC 5321 section 3.8 allows closing the connection only with 421.
    private async ValueTask<bool> RejectBdatSizeAsync()
    {
        Reply(_server.InvalidBdatSizeReply);
        await FlushAsync();
        return false;
    }

    /// <summary>Returns the reply that rejects BDAT in the current state, or null when the chunk may be stored.</summary>
    private SmtpReply? CheckReadyForChunk()
    {
        // A client that sent BDAT after HELO still sends the chunk, which is skipped like any other.
        if (_context.HeloName is not null && !_context.IsExtendedHello)
        {
            return SmtpReplies.BdatNeedsEhlo;
        }

        return CheckReadyForContent();
    }

    /// <summary>Returns the reply that rejects DATA or BDAT in the current state, or null when content may follow.</summary>
    private SmtpReply? CheckReadyForContent()
    {
        if (TlsRequired)
        {
            return SmtpReplies.StartTlsRequired;
        }

        if (_envelope is null)
        {
            return SmtpReplies.NeedMail;
        }

        return _envelope.Recipients.Count == 0 ? SmtpReplies.NoValidRecipients : null;
    }

    /// <summary>Opens the handler's message and writes the Received header; returns null after replying 451.</summary>
    private async ValueTask<IIncomingMessage?> BeginMessageAsync(SmtpEnvelope envelope, bool replyOnFailure = true)
    {
        IIncomingMessage? message = null;
        try
        {
            message = await _server.Handler.BeginMessageAsync(_context, envelope, _shutdownToken);
            var header = ReceivedHeader.Build(_context, envelope, _options.HostName, message.Id, _options.TimeProvider.GetUtcNow());
            await message.Content.WriteAsync(header, _shutdownToken);
            return message;
        }
#pragma warning disable CA1031 // The handler is outside this part; whatever it throws becomes a temporary failure.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.StoreFailed(_logger, _context.SessionId, _context.RemoteEndPoint, exception);
            if (message is not null)
            {
                await DiscardAsync(message);
            }

            if (replyOnFailure)
            {
                Reply(SmtpReplies.StorageFailed);
            }

            return null;
        }
    }

    /// <summary>
    /// Replies to the end of the content: the first failed check, 451 when storing failed, or 250 once
    /// <see cref="IIncomingMessage.CommitAsync"/> has returned and the message is durable.
    /// </summary>
    private async ValueTask CompleteMessageAsync(IIncomingMessage message, SmtpEnvelope envelope, MessageBodyWriter body)
    {
        if (body.Rejection is { } rejection)
        {
            Reply(rejection);
            return;
        }

        if (body.StoreError is { } storeError)
        {
            Log.StoreFailed(_logger, _context.SessionId, _context.RemoteEndPoint, storeError);
            Reply(SmtpReplies.StorageFailed);
            return;
        }

        // Not cancelled at shutdown: the client has sent the whole message, and RunAsync promises to
        // finish a message in progress before it replies 421.
        string queueId;
        try
        {
            queueId = await message.CommitAsync(CancellationToken.None);
        }
#pragma warning disable CA1031 // The handler is outside this part; whatever it throws becomes a temporary failure.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.StoreFailed(_logger, _context.SessionId, _context.RemoteEndPoint, exception);
            Reply(SmtpReplies.StorageFailed);
            return;
        }

        // As in Postfix, a client that delivers mail starts again with no errors, so a long session of a
        // legitimate server is not cut off by the rejected recipients of its many messages.
        _messageCount++;
        _errorCount = 0;
        Log.MessageAccepted(_logger, _context.SessionId, _context.RemoteEndPoint, queueId,
            envelope.ReversePath?.Address ?? string.Empty, envelope.Recipients.Count, body.Size);
        Reply(new SmtpReply(250, "2.0.0", "Ok: queued as " + queueId));
    }

    private async ValueTask DiscardChunkedMessageAsync()
    {
        var message = _chunkedMessage;
        _chunkedMessage = null;
        _chunkedBody = null;
        if (message is not null)
        {
            await DiscardAsync(message);
        }
    }

    // Disposing an uncommitted message discards it; after a commit it only releases resources.
    private async ValueTask DiscardAsync(IIncomingMessage message)
    {
        try
        {
            await message.DisposeAsync();
        }
#pragma warning disable CA1031 // A failed cleanup must not end the session; it is logged.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.DiscardFailed(_logger, _context.SessionId, _context.RemoteEndPoint, exception);
        }
    }
}
