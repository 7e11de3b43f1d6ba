using System.Buffers;
using System.Globalization;
using System.Text;

namespace Tern.Smtp.Client;

/// <summary>One mail transaction: MAIL, RCPT and DATA or BDAT.</summary>
public sealed partial class SmtpClientSession
{
    // Content is read and sent in blocks of this size; each write has the data block timeout.
    private const int ContentBlockSize = 64 * 1024;

    // BDAT chunks are larger, because the client waits for a reply after each one.
    private const int ChunkSize = 1024 * 1024;

    // About 3 KB of replies per group, far below any TCP window.
    private const int MaxPipelinedRecipients = 100;

    // RFC 6531 section 3.2: an address or message that needs SMTPUTF8 cannot go to a server without it.
    private static readonly SmtpReply SmtpUtf8NotOffered = new(553, "5.6.7", "The server does not support SMTPUTF8, which the message requires");

    // RFC 1870 section 6: a client does not send a message larger than the server's announced SIZE.
    private static readonly SmtpReply SizeOverLimit = new(552, "5.3.4", "The message exceeds the size limit that the server announced");

    private static readonly SmtpReply InvalidSender = new(553, "5.1.7", "The sender address is not a valid mailbox");
    private static readonly SmtpReply InvalidRecipient = new(553, "5.1.3", "The recipient address is not a valid mailbox");

    /// <summary>
    /// Runs one mail transaction and returns the server's replies. A 4xx or 5xx reply is returned in the
    /// result, never thrown. With PIPELINING, MAIL and up to 100 RCPTs go in one write (RFC 2920). When no
    /// recipient is accepted, RSET is sent in place of the content.
    /// </summary>
    /// <param name="envelope">The sender, recipients and parameters.</param>
    /// <param name="content">The message, headers first, read from its current position and sent as stored.</param>
    /// <param name="cancellationToken">Cancels the transaction; the session is faulted then.</param>
    /// <exception cref="ArgumentException">The envelope has no recipients or an invalid DSN value; nothing was sent.</exception>
    /// <exception cref="SmtpClientException">The server sent a malformed or unexpected reply.</exception>
    /// <exception cref="IOException">The connection failed.</exception>
    /// <exception cref="TimeoutException">A reply or a write took longer than its timeout.</exception>
    public async Task<SmtpTransactionResult> SendAsync(SmtpClientEnvelope envelope, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(content);
        if (envelope.Recipients is null || envelope.Recipients.Count == 0)
        {
            throw new ArgumentException("The envelope needs at least one recipient.", nameof(envelope));
        }

        SmtpClientCommands.ValidateDsnValues(envelope);
        Enter();
        try
        {
            var result = await RunTransactionAsync(envelope, content, cancellationToken);
            var accepted = result.RecipientReplies.Count(IsCompletion);
            if (!result.MailSent)
            {
                Log.TransactionNotStarted(_logger, SessionId, envelope.Sender, result.MailReply!.Code, result.MailReply.EnhancedStatusCode, result.MailReply.JoinedText);
            }
            else
            {
                Log.TransactionEnded(_logger, SessionId, envelope.Sender, result.DataReply?.Code, accepted, result.RecipientReplies.Count);
            }

            return result;
        }
        catch
        {
            _faulted = true;
            throw;
        }
        finally
        {
            Exit();
        }
    }

    private async Task<SmtpTransactionResult> RunTransactionAsync(SmtpClientEnvelope envelope, Stream content, CancellationToken cancellationToken)
    {
        var recipientCount = envelope.Recipients.Count;
        if (!SmtpClientCommands.TryParseAddress(envelope.Sender, isSender: true, out var sender))
        {
            return NotSent(InvalidSender, recipientCount);
        }

        var mailboxes = new Mailbox?[recipientCount];
        var needsSmtpUtf8 = envelope.SmtpUtf8 || sender is { RequiresSmtpUtf8: true };
        for (var i = 0; i < recipientCount; i++)
        {
            if (SmtpClientCommands.TryParseAddress(envelope.Recipients[i].Address, isSender: false, out var mailbox))
            {
                mailboxes[i] = mailbox;
                needsSmtpUtf8 |= mailbox!.RequiresSmtpUtf8;
            }
        }

        // RFC 6531 section 3.2: without SMTPUTF8 the message cannot be sent, and converting the local part
        // (to punycode or anything else) would change the address, so every recipient fails at once.
        if (needsSmtpUtf8 && !Capabilities.SmtpUtf8)
        {
            return NotSent(SmtpUtf8NotOffered, recipientCount);
        }

        var size = envelope.Size ?? (content.CanSeek ? content.Length - content.Position : null);
        if (Capabilities.Size is > 0 and var limit && size > limit)
        {
            return NotSent(SizeOverLimit, recipientCount);
        }

        // RFC 6152 section 3 forbids 8-bit content to a server without 8BITMIME: the client converts it to
        // 7-bit MIME or returns it as undeliverable. Postfix converts by default
        // (disable_mime_output_conversion = no) and sends the content unchanged when conversion is turned off.
        // Tern has no MIME converter, so it sends the content unchanged and without BODY,
        // because bouncing mail that nearly every server accepts would lose more than it protects.
        // TODO: convert 8-bit MIME parts to quoted-printable here, as Postfix does by default.
        if (envelope.EightBitMime && !Capabilities.EightBitMime)
        {
            Log.EightBitWithoutExtension(_logger, SessionId);
        }

        var mail = SmtpClientCommands.BuildMail(sender, envelope, Capabilities, size, needsSmtpUtf8);
        var (mailReply, recipientReplies) = Capabilities.Pipelining
            ? await SendEnvelopePipelinedAsync(mail, envelope, mailboxes, cancellationToken)
            : await SendEnvelopeAsync(mail, envelope, mailboxes, cancellationToken);

        if (!IsCompletion(mailReply))
        {
            return new SmtpTransactionResult(mailReply, Enumerable.Repeat(mailReply, recipientCount).ToArray(), null);
        }

        if (!recipientReplies.Any(IsCompletion))
        {
            // RFC 5321 section 3.3: DATA needs at least one accepted recipient, so the transaction is ended.
            await CommandAsync("RSET", SmtpClientStage.Rset, _options.CommandTimeout, cancellationToken);
            return new SmtpTransactionResult(mailReply, recipientReplies, null);
        }

        var dataReply = Capabilities.Chunking && _options.UseChunking
            ? await SendChunksAsync(content, cancellationToken)
            : await SendDataAsync(content, cancellationToken);
        return new SmtpTransactionResult(mailReply, recipientReplies, dataReply);
    }

    // RFC 5321 section 4.2.1: only a 2xx reply completes MAIL, RCPT or the content; a 3xx there is out of place.
    private static bool IsCompletion(SmtpReply reply) => reply.Code is >= 200 and < 300;

    private static SmtpTransactionResult NotSent(SmtpReply reply, int recipientCount) =>
        new(reply, Enumerable.Repeat(reply, recipientCount).ToArray(), null) { MailSent = false };

    // RFC 2920 section 3.1: MAIL and RCPT may be sent in one group. The replies come back in order, and each
    // one is read even after MAIL failed, so the session stays in step.
    private async Task<(SmtpReply Mail, SmtpReply[] Recipients)> SendEnvelopePipelinedAsync(
        string mail, SmtpClientEnvelope envelope, Mailbox?[] mailboxes, CancellationToken cancellationToken)
    {
        var recipientReplies = new SmtpReply[mailboxes.Length];
        SmtpReply? mailReply = null;
        var next = 0;
        do
        {
            // RFC 2920 section 3.1 warns that a client writing without reading can deadlock once the server's
            // replies fill the TCP window, so a long recipient list goes in groups.
            var commands = new StringBuilder();
            if (mailReply is null)
            {
                commands.Append(mail).Append("\r\n");
            }

            var groupStart = next;
            var groupEnd = Math.Min(mailboxes.Length, next + MaxPipelinedRecipients);
            for (; next < groupEnd; next++)
            {
                if (mailboxes[next] is { } mailbox)
                {
                    commands.Append(SmtpClientCommands.BuildRcpt(mailbox, envelope.Recipients[next], Capabilities)).Append("\r\n");
                }
            }

            if (commands.Length > 0)
            {
                await WriteAsync(Encoding.UTF8.GetBytes(commands.ToString()), SmtpClientStage.Rcpt, _options.RcptTimeout, cancellationToken);
            }

            mailReply ??= await ReadReplyAsync(SmtpClientStage.Mail, _options.MailTimeout, cancellationToken);
            for (var i = groupStart; i < groupEnd; i++)
            {
                recipientReplies[i] = mailboxes[i] is null
                    ? InvalidRecipient
                    : await ReadReplyAsync(SmtpClientStage.Rcpt, _options.RcptTimeout, cancellationToken);
            }
        }
        while (next < mailboxes.Length && IsCompletion(mailReply));

        return (mailReply, recipientReplies);
    }

    private async Task<(SmtpReply Mail, SmtpReply[] Recipients)> SendEnvelopeAsync(
        string mail, SmtpClientEnvelope envelope, Mailbox?[] mailboxes, CancellationToken cancellationToken)
    {
        var mailReply = await CommandAsync(mail, SmtpClientStage.Mail, _options.MailTimeout, cancellationToken);
        var recipientReplies = new SmtpReply[mailboxes.Length];
        if (!IsCompletion(mailReply))
        {
            return (mailReply, recipientReplies);
        }

        for (var i = 0; i < mailboxes.Length; i++)
        {
            recipientReplies[i] = mailboxes[i] is { } mailbox
                ? await CommandAsync(SmtpClientCommands.BuildRcpt(mailbox, envelope.Recipients[i], Capabilities), SmtpClientStage.Rcpt, _options.RcptTimeout, cancellationToken)
                : InvalidRecipient;
        }

        return (mailReply, recipientReplies);
    }

    /// <summary>Sends DATA, the dot-stuffed content and the final dot; returns the reply that ends the transaction.</summary>
    private async Task<SmtpReply> SendDataAsync(Stream content, CancellationToken cancellationToken)
    {
        var start = await CommandAsync("DATA", SmtpClientStage.Data, _options.DataInitiationTimeout, cancellationToken);
        if (start.Code != 354)
        {
            // RFC 5321 section 4.3.2: DATA succeeds only with 354; a 2xx here means the server is out of step.
            if (start.IsPositive)
            {
                throw new SmtpClientException(SmtpClientStage.Data, start, $"The server replied {start.Code} to DATA instead of 354.");
            }

            // The transaction is still open on the server; RSET ends it so the connection can be reused.
            await CommandAsync("RSET", SmtpClientStage.Rset, _options.CommandTimeout, cancellationToken);
            return start;
        }

        var encoder = new DataContentEncoder();
        var input = ArrayPool<byte>.Shared.Rent(ContentBlockSize);
        var output = ArrayPool<byte>.Shared.Rent(DataContentEncoder.GetMaxOutputLength(ContentBlockSize));
        try
        {
            while (true)
            {
                var read = await content.ReadAsync(input.AsMemory(0, ContentBlockSize), cancellationToken);
                var length = encoder.Encode(input.AsSpan(0, read), output);
                if (read == 0)
                {
                    length += encoder.Complete(output.AsSpan(length));
                }

                await WriteAsync(output.AsMemory(0, length), SmtpClientStage.Data, _options.DataBlockTimeout, cancellationToken);
                if (read == 0)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }

        return await ReadReplyAsync(SmtpClientStage.Data, _options.DataTerminationTimeout, cancellationToken);
    }

    /// <summary>
    /// Sends the content as it is in BDAT chunks (RFC 3030), waiting for the reply to each chunk; returns the
    /// reply to the last chunk, or the first error reply.
    /// </summary>
    /// <remarks>
    /// NOTE: chunks are not pipelined, so each costs one round trip. With 1 MiB chunks that matters only for
    /// large messages on slow links.
    /// </remarks>
    private async Task<SmtpReply> SendChunksAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (true)
            {
                // A short read happens only at the end of the content, so that chunk is the last. A full chunk
                // may end exactly at the end; then an empty "BDAT 0 LAST" follows, which RFC 3030 allows.
                var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken);
                var last = read < ChunkSize;
                var command = "BDAT " + read.ToString(CultureInfo.InvariantCulture) + (last ? " LAST\r\n" : "\r\n");
                await WriteAsync(Encoding.ASCII.GetBytes(command), SmtpClientStage.Bdat, _options.DataBlockTimeout, cancellationToken);
                await WriteAsync(buffer.AsMemory(0, read), SmtpClientStage.Bdat, _options.DataBlockTimeout, cancellationToken);
                var reply = await ReadReplyAsync(SmtpClientStage.Bdat, last ? _options.DataTerminationTimeout : _options.DataBlockTimeout, cancellationToken);
                if (last)
                {
                    return reply;
                }

                if (!IsCompletion(reply))
                {
                    // RFC 3030: after an error reply to a chunk the transaction has failed and no further chunk
                    // is sent. RSET makes sure the server has ended it too, so the connection can be reused.
                    await CommandAsync("RSET", SmtpClientStage.Rset, _options.CommandTimeout, cancellationToken);
                    return reply;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
