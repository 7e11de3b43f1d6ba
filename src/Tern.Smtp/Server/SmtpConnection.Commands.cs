using System.Text;
using Tern.Smtp.Protocol;

namespace Tern.Smtp.Server;

/// <summary>The greeting, envelope and session commands.</summary>
internal sealed partial class SmtpConnection
{
    // RCPT commands past MaxRecipients in one transaction that get 452 without counting as errors: 1000,
    // the Postfix smtpd_recipient_overshoot_limit default.
    private const int MaxRecipientOvershoot = 1000;

    // The open mail transaction: null before MAIL and after the message, RSET, EHLO or STARTTLS.
    private SmtpEnvelope? _envelope;

    // 452 replies for too many recipients in the open transaction.
    private int _recipientOvershoot;

    // RFC 3207: a server that requires TLS replies 530 to mail commands until STARTTLS.
    private bool TlsRequired => _context.Mode == SmtpListenerMode.Submission && !_context.IsTls;

    private async ValueTask HandleHelloAsync(string argument, bool extended)
    {
        if (!IsValidHelloName(argument))
        {
            Reply(extended ? SmtpReplies.EhloSyntax : SmtpReplies.HeloSyntax);
            return;
        }

        // RFC 5321 section 4.1.4: EHLO and HELO clear any transaction, as RSET does.
        await AbortTransactionAsync();
        _context.HeloName = argument;
        _context.IsExtendedHello = extended;
        if (!extended)
        {
            Reply(_server.HeloReply);
        }
        else
        {
            Reply(_context.IsTls ? _server.EhloAfterTls : _server.EhloBeforeTls);
        }
    }

    private async ValueTask HandleMailAsync(string argument)
    {
        // RFC 5321 section 4.1.4: a client must send EHLO or HELO before starting a transaction.
        if (_context.HeloName is null)
        {
            Reply(SmtpReplies.SendHelloFirst);
            return;
        }

        if (TlsRequired)
        {
            Reply(SmtpReplies.StartTlsRequired);
            return;
        }

        if (_envelope is not null)
        {
            Reply(SmtpReplies.NestedMail);
            return;
        }

        var rejection = SmtpArgumentParser.ParseMail(argument, _context.IsExtendedHello, _options.MaxMessageSize, out var envelope, acceptAuthParameter: _server.AuthOffered);
        if (rejection is not null)
        {
            Reply(rejection);
            return;
        }

        try
        {
            rejection = await _server.Handler.CheckSenderAsync(_context, envelope!, _shutdownToken);
        }
#pragma warning disable CA1031 // The handler is outside this part; whatever it throws becomes a temporary failure.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.SenderCheckFailed(_logger, _context.SessionId, _context.RemoteEndPoint, envelope!.ReversePath?.Address ?? string.Empty, exception);
            Reply(SmtpReplies.StorageFailed);
            return;
        }

        if (rejection is { IsPositive: false })
        {
            Reply(rejection);
            return;
        }

        _envelope = envelope;
        _recipientOvershoot = 0;
        Reply(SmtpReplies.SenderOk);
    }

    private async ValueTask HandleRcptAsync(string argument)
    {
        if (TlsRequired)
        {
            Reply(SmtpReplies.StartTlsRequired);
            return;
        }

        if (_envelope is null)
        {
            Reply(SmtpReplies.NeedMail);
            return;
        }

        var rejection = SmtpArgumentParser.ParseRcpt(argument, _context.IsExtendedHello, _envelope.SmtpUtf8, out var recipient);
        if (rejection is not null)
        {
            Reply(rejection);
            return;
        }

        if (_envelope.Recipients.Count >= _options.MaxRecipients)
        {
            // RFC 5321 section 4.5.3.1.10: a client that gets 452 here sends the rest of its recipients in a
            // later transaction, so a legitimate client that pipelines a long list must not reach MaxErrors.
            // As in Postfix (smtpd_recipient_overshoot_limit), only a client that goes on far past the limit
            // has these replies counted as errors.
            _recipientOvershoot++;
            Reply(SmtpReplies.TooManyRecipients, countError: _recipientOvershoot > MaxRecipientOvershoot);
            return;
        }

        try
        {
            rejection = await _server.Handler.CheckRecipientAsync(_context, _envelope, recipient!.Mailbox, _shutdownToken);
        }
#pragma warning disable CA1031 // The handler is outside this part; whatever it throws becomes a temporary failure.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.RecipientCheckFailed(_logger, _context.SessionId, _context.RemoteEndPoint, recipient!.Mailbox.Address, exception);
            Reply(SmtpReplies.StorageFailed);
            return;
        }

        // A handler may accept with its own positive reply, such as 251 for a forwarded address.
        if (rejection is { IsPositive: false })
        {
            Reply(rejection);
            return;
        }

        _envelope.AddRecipient(recipient);
        Reply(rejection ?? SmtpReplies.RecipientOk);
    }

    private async ValueTask HandleRsetAsync(string argument)
    {
        if (argument.Length > 0)
        {
            Reply(SmtpReplies.NoArguments);
            return;
        }

        await AbortTransactionAsync();
        Reply(SmtpReplies.Ok);
    }

    private async ValueTask<bool> HandleQuitAsync(string argument)
    {
        if (argument.Length > 0)
        {
            Reply(SmtpReplies.NoArguments);
            return true;
        }

        Reply(SmtpReplies.Bye);
        await FlushAsync();
        return false;
    }

    /// <summary>Ends the open transaction, if any, and discards a message received in BDAT chunks.</summary>
    private async ValueTask AbortTransactionAsync()
    {
        _envelope = null;
        await DiscardChunkedMessageAsync();
    }

    // EHLO takes a domain or an address literal (RFC 5321 section 4.1.1.1). Underscores are accepted
    // because Windows host names contain them; anything else that could break the Received header is not.
    private static bool IsValidHelloName(string name) =>
        name.Length > 0
        && Ascii.IsValid(name)
        && (SmtpPathParser.IsDomain(name, allowUnderscore: true) || SmtpPathParser.IsAddressLiteral(name));
}
