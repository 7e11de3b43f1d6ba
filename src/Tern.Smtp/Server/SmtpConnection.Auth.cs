using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tern.Smtp.Protocol;

namespace Tern.Smtp.Server;

/// <summary>SMTP AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms.</summary>
internal sealed partial class SmtpConnection
{
    // RFC 4954 section 4: the AUTH command line and each response line may be up to 12288 octets.
    internal const int MaxAuthLineOctets = 12288;

    private int _authenticationFailures;

    private enum ResponseStatus
    {
        Received,
        Rejected,
        ConnectionLost,
    }

    /// <summary>Runs one AUTH exchange; returns false when the session must end.</summary>
    private ValueTask<bool> HandleAuthAsync(ReadOnlySpan<byte> argument)
    {
        var rejection = CheckAuthAllowed();
        if (rejection is not null)
        {
            // Nothing of the argument is looked at or logged: before TLS it may be a password in clear.
            Reply(rejection);
            return ValueTask.FromResult(true);
        }

        var space = argument.IndexOf((byte)' ');
        var mechanism = space < 0 ? argument : argument[..space];
        var initialResponse = space < 0 ? null : argument[(space + 1)..].ToArray();
        if (mechanism.IsEmpty || initialResponse is { Length: 0 })
        {
            Reply(SmtpReplies.AuthSyntax);
            return ValueTask.FromResult(true);
        }

        var isPlain = Ascii.EqualsIgnoreCase(mechanism, "PLAIN"u8);
        if (!isPlain && !Ascii.EqualsIgnoreCase(mechanism, "LOGIN"u8))
        {
            Reply(SmtpReplies.AuthUnknownMechanism);
            return ValueTask.FromResult(true);
        }

        return RunAuthExchangeAsync(isPlain, initialResponse);
    }

    private async ValueTask<bool> RunAuthExchangeAsync(bool isPlain, byte[]? initialResponse)
    {
        // A client address over its failure limit gets no further credential check, in any session.
        if (_server.AuthenticationFailures.IsBlocked(_context.RemoteEndPoint.Address))
        {
            return await CloseForAuthFailuresAsync();
        }

        return isPlain ? await AuthenticatePlainAsync(initialResponse) : await AuthenticateLoginAsync(initialResponse);
    }

    /// <summary>Returns the reply that rejects AUTH in the current state, or null when the exchange may start.</summary>
    private SmtpReply? CheckAuthAllowed()
    {
        // An MX takes mail from other servers, which do not log in, so AUTH is not offered there at all.
        if (!_server.AuthOffered)
        {
            return SmtpReplies.NotImplemented;
        }

        // RFC 4954 section 4: plaintext password mechanisms only inside TLS. 538 (section 6) comes before
        // any other check, so that no part of the exchange happens outside TLS.
        if (!_context.IsTls)
        {
            return SmtpReplies.AuthNeedsTls;
        }

        // AUTH is a service extension, which exists only in a session opened with EHLO (RFC 5321 section 2.2.1).
        if (_context.HeloName is null || !_context.IsExtendedHello)
        {
            return SmtpReplies.AuthNeedsEhlo;
        }

        // RFC 4954 section 4: a second AUTH after a successful one, or AUTH inside a transaction, gets 503.
        if (_context.AuthenticatedUser is not null)
        {
            return SmtpReplies.AlreadyAuthenticated;
        }

        return _envelope is not null ? SmtpReplies.AuthInTransaction : null;
    }

    private async ValueTask<bool> AuthenticatePlainAsync(byte[]? initialResponse)
    {
        byte[] message;
        if (initialResponse is not null)
        {
            if (!SaslDecoder.TryDecodeBase64(initialResponse, out message))
            {
                Reply(SmtpReplies.AuthInvalidBase64);
                return true;
            }
        }
        else
        {
            var (status, response) = await ReadResponseAsync(SmtpReplies.PlainChallenge);
            if (status != ResponseStatus.Received)
            {
                return status != ResponseStatus.ConnectionLost;
            }

            message = response;
        }

        try
        {
            if (!SaslDecoder.TryParsePlain(message, out var authorizationId, out var userName, out var password))
            {
                Reply(SmtpReplies.AuthInvalidResponse);
                return true;
            }

            // RFC 4616 section 2: the server fails an authorization identity it does not allow, and Tern
            // allows no user to act as another. The user name is compared without regard to case, as
            // logins are.
            if (authorizationId.Length > 0 && !string.Equals(authorizationId, userName, StringComparison.OrdinalIgnoreCase))
            {
                var delay = _server.AuthenticationFailures.RecordFailure(_context.RemoteEndPoint.Address);
                return await RecordAuthFailureAsync(userName, "PLAIN", delay);
            }

            return await CheckCredentialsAsync(userName, password, "PLAIN");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(message);
        }
    }

    // LOGIN: the optional initial response is the user name; the password always follows a challenge.
    private async ValueTask<bool> AuthenticateLoginAsync(byte[]? initialResponse)
    {
        byte[] userBytes;
        if (initialResponse is not null)
        {
            if (!SaslDecoder.TryDecodeBase64(initialResponse, out userBytes))
            {
                Reply(SmtpReplies.AuthInvalidBase64);
                return true;
            }
        }
        else
        {
            var (status, response) = await ReadResponseAsync(SmtpReplies.LoginUserNameChallenge);
            if (status != ResponseStatus.Received)
            {
                return status != ResponseStatus.ConnectionLost;
            }

            userBytes = response;
        }

        if (!SaslDecoder.TryDecodeText(userBytes, out var userName))
        {
            Reply(SmtpReplies.AuthInvalidResponse);
            return true;
        }

        var (passwordStatus, passwordBytes) = await ReadResponseAsync(SmtpReplies.LoginPasswordChallenge);
        if (passwordStatus != ResponseStatus.Received)
        {
            return passwordStatus != ResponseStatus.ConnectionLost;
        }

        try
        {
            if (!SaslDecoder.TryDecodeText(passwordBytes, out var password))
            {
                Reply(SmtpReplies.AuthInvalidResponse);
                return true;
            }

            return await CheckCredentialsAsync(userName, password, "LOGIN");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    /// <summary>
    /// Sends a 334 challenge and reads the client's response line. On anything but a decoded response
    /// the reply is already queued: 501 5.7.0 for "*", 501 5.5.2 for bad base64, 500 5.5.6 for a long line.
    /// </summary>
    private async ValueTask<(ResponseStatus Status, byte[] Response)> ReadResponseAsync(SmtpReply challenge)
    {
        _writer.Append(challenge);
        _readTimeout = _options.CommandTimeout;
        var status = await _reader.ReadCommandAsync(MaxAuthLineOctets);
        switch (status)
        {
            case CommandLineStatus.EndOfStream:
                Log.ConnectionLost(_logger, _context.SessionId, _context.RemoteEndPoint, null);
                return (ResponseStatus.ConnectionLost, []);
            case CommandLineStatus.TooLong:
                Reply(SmtpReplies.AuthLineTooLong);
                return (ResponseStatus.Rejected, []);
            case CommandLineStatus.BareLineEnding:
                Reply(SmtpReplies.AuthInvalidBase64);
                return (ResponseStatus.Rejected, []);
        }

        var line = _reader.Line;

        // RFC 4954 section 4: "*" cancels the exchange.
        if (line.SequenceEqual("*"u8))
        {
            Reply(SmtpReplies.AuthCanceled);
            return (ResponseStatus.Rejected, []);
        }

        if (!SaslDecoder.TryDecodeBase64(line, out var decoded))
        {
            Reply(SmtpReplies.AuthInvalidBase64);
            return (ResponseStatus.Rejected, []);
        }

        return (ResponseStatus.Received, decoded);
    }

    private async ValueTask<bool> CheckCredentialsAsync(string userName, string password, string mechanism)
    {
        var tracker = _server.AuthenticationFailures;
        var client = _context.RemoteEndPoint.Address;
        if (!tracker.TryBeginCheck(client))
        {
            return await CloseForAuthFailuresAsync();
        }

        SmtpAuthenticationResult result;
        try
        {
            result = await _options.Authenticator!.AuthenticateAsync(userName, password, _context, _shutdownToken);
        }
#pragma warning disable CA1031 // The authenticator is outside this part; whatever it throws becomes a temporary failure.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            tracker.EndCheck(client);
            Log.AuthenticatorFailed(_logger, _context.SessionId, _context.RemoteEndPoint, LogText.Printable(userName), exception);
            Reply(SmtpReplies.AuthTemporaryFailure);
            return true;
        }

        if (!result.Succeeded)
        {
            // The failure is counted before the check ends, so a parallel check never sees neither.
            var delay = tracker.RecordFailure(client);
            tracker.EndCheck(client);
            return await RecordAuthFailureAsync(userName, mechanism, delay);
        }

        tracker.EndCheck(client);

        _context.AuthenticatedUser = result.UserName;
        Log.AuthSucceeded(_logger, _context.SessionId, _context.RemoteEndPoint, result.UserName!, mechanism);
        Reply(SmtpReplies.AuthSucceeded);
        return true;
    }

    // Failures slow down per client address, as the tracker computes, and end the session at the
    // per-session or per-address limit. RFC 4954 section 4 leaves the number of attempts to the server.
    private async ValueTask<bool> RecordAuthFailureAsync(string userName, string mechanism, TimeSpan delay)
    {
        _authenticationFailures++;
        var tracker = _server.AuthenticationFailures;
        var client = _context.RemoteEndPoint.Address;
        Log.AuthFailed(_logger, _context.SessionId, _context.RemoteEndPoint, LogText.Printable(userName), mechanism, _authenticationFailures);

        if (_authenticationFailures >= _options.MaxAuthenticationFailures || tracker.IsBlocked(client))
        {
            return await CloseForAuthFailuresAsync();
        }

        if (delay > TimeSpan.Zero)
        {
            // The 535 is queued only after the delay, so the client waits for it.
            try
            {
                await Task.Delay(delay, _options.TimeProvider, _shutdownToken);
            }
            catch (OperationCanceledException) when (_shutdownToken.IsCancellationRequested)
            {
                // The next command loop pass replies 421 for the shutdown.
            }
        }

        Reply(SmtpReplies.AuthFailed);
        return true;
    }

    private async ValueTask<bool> CloseForAuthFailuresAsync()
    {
        Log.TooManyAuthFailures(_logger, _context.SessionId, _context.RemoteEndPoint, _authenticationFailures);
        _writer.Append(_server.TooManyAuthFailuresReply);
        await FlushAsync();
        return false;
    }

    /// <summary>Returns text from the client in a form that cannot break a log line.</summary>
    private static class LogText
    {
        private const int MaxLength = 100;

        public static string Printable(string text)
        {
            var builder = new StringBuilder(Math.Min(text.Length, MaxLength));
            foreach (var rune in text.EnumerateRunes())
            {
                if (builder.Length >= MaxLength)
                {
                    builder.Append("...");
                    break;
                }

                // Control characters, line and paragraph separators, and format characters such as
                // the right-to-left override could break or disguise a log line.
                if (Rune.IsControl(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format)
                {
                    builder.Append('?');
                }
                else
                {
                    builder.Append(rune.ToString());
                }
            }

            return builder.ToString();
        }
    }
}
