using System.Text;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
using Tern.Smtp.Protocol;

namespace Tern.Smtp.Server;

/// <summary>
/// The state of one SMTP session: the command loop, reply flushing and timeouts. The commands live in
/// the other parts of this partial class.
/// </summary>
internal sealed partial class SmtpConnection : IAsyncDisposable
{
    // Time allowed for the last reply after a timeout or at shutdown, when the normal deadline has passed.
    private static readonly TimeSpan FinalReplyTimeout = TimeSpan.FromSeconds(10);

    private readonly SmtpServerSession _server;
    private readonly SmtpServerOptions _options;
    private readonly SmtpSessionContext _context;
    private readonly ILogger _logger;
    private readonly CancellationToken _shutdownToken;

    // Cancels the read or write in progress when its deadline passes, or at shutdown while idle. The
    // timer runs only while the session waits on the client, so handler calls are never timed out.
    private readonly CancellationTokenSource _ioDeadline;
    private readonly SmtpInputReader _reader;
    private readonly SmtpReplyWriter _writer = new();

    private Stream _transport;
    private TimeSpan _readTimeout;
    private int _waitingForCommand;
    private int _shutdownRequested;

    private string _command = string.Empty;
    private int _commandCount;
    private int _messageCount;
    private int _rejectionCount;

    // Error replies since the last accepted message, for MaxErrors and SoftErrorLimit.
    private int _errorCount;

    public SmtpConnection(SmtpServerSession server, Stream stream, SmtpSessionContext context, CancellationToken shutdownToken)
    {
        _server = server;
        _options = server.Options;
        _logger = server.Logger;
        _context = context;
        _shutdownToken = shutdownToken;
        _transport = stream;
        _readTimeout = _options.CommandTimeout;
        _ioDeadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _options.TimeProvider);
        _reader = new SmtpInputReader(ReadTransportAsync);
    }

    private bool ShutdownRequested => Volatile.Read(ref _shutdownRequested) != 0;

    /// <summary>Runs the session to its end; client and connection errors are logged, not thrown.</summary>
    public async Task RunAsync()
    {
        Log.SessionStarted(_logger, _context.SessionId, _context.RemoteEndPoint, _context.LocalEndPoint, _context.Mode);
        using var registration = _shutdownToken.UnsafeRegister(static state => ((SmtpConnection)state!).OnShutdownRequested(), this);
        try
        {
            await RunSessionAsync();
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException && _ioDeadline.IsCancellationRequested)
        {
            await SendFinalReplyAsync();
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            Log.ConnectionLost(_logger, _context.SessionId, _context.RemoteEndPoint, exception);
        }
        finally
        {
            await AbortTransactionAsync();
            Log.SessionEnded(_logger, _context.SessionId, _context.RemoteEndPoint, _commandCount, _messageCount, _rejectionCount);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _transport.DisposeAsync();
        _reader.Dispose();
        _writer.Dispose();
        _ioDeadline.Dispose();
    }

    private async Task RunSessionAsync()
    {
        // RFC 8314: with implicit TLS the handshake comes first and the greeting follows it.
        if (_context.Mode == SmtpListenerMode.ImplicitTls && !await StartTlsHandshakeAsync())
        {
            return;
        }

        if (ShutdownRequested)
        {
            await SendFinalReplyAsync();
            return;
        }

        _writer.Append(_server.Greeting);
        while (await ProcessNextCommandAsync())
        {
        }
    }

    /// <summary>Reads one command and queues its reply; returns false when the session ends.</summary>
    private async ValueTask<bool> ProcessNextCommandAsync()
    {
        // A large pipelined group must not make the pending replies grow without bound.
        if (_writer.PendingLength > SmtpReplyWriter.FlushThreshold)
        {
            await FlushAsync();
        }

        // With this flag and the one OnShutdownRequested sets, a shutdown is either seen here or
        // cancels the read, because each side sets its own flag before it reads the other's.
        Interlocked.Exchange(ref _waitingForCommand, 1);
        var status = CommandLineStatus.EndOfStream;
        var shuttingDown = ShutdownRequested;
        try
        {
            if (!shuttingDown)
            {
                _readTimeout = _options.CommandTimeout;
                // The maximum line length of any command; DispatchAsync applies each command's own limit.
                status = await _reader.ReadCommandAsync(MaxAuthLineOctets);
            }
        }
        finally
        {
            Interlocked.Exchange(ref _waitingForCommand, 0);
        }

        if (shuttingDown)
        {
            await SendFinalReplyAsync();
            return false;
        }

        switch (status)
        {
            case CommandLineStatus.EndOfStream:
                Log.ConnectionLost(_logger, _context.SessionId, _context.RemoteEndPoint, null);
                return false;
            case CommandLineStatus.TooLong:
                _commandCount++;
                _command = "command line";
                Reply(SmtpReplies.LineTooLong);
                break;
            case CommandLineStatus.BareLineEnding:
                _commandCount++;
                _command = "command line";
                Reply(SmtpReplies.CommandBareLineEnding);
                break;
            default:
                _commandCount++;
                if (!await DispatchAsync())
                {
                    return false;
                }

                break;
        }

        return await EnforceErrorLimitsAsync();
    }

    // RFC 5321 section 7.8 lets a server close the connection of a client that it sees attacking it, for
    // example after many rejected RCPTs. As in Postfix, replies slow down from SoftErrorLimit errors on,
    // and the session ends with 421 when the count reaches MaxErrors.
    private async ValueTask<bool> EnforceErrorLimitsAsync()
    {
        if (_errorCount >= _options.MaxErrors)
        {
            Log.TooManyErrors(_logger, _context.SessionId, _context.RemoteEndPoint, _errorCount);
            _writer.Append(_server.TooManyErrorsReply);
            await FlushAsync();
            return false;
        }

        // The pending reply leaves with the next read, so this delays it.
        if (_errorCount >= _options.SoftErrorLimit && _options.ErrorDelay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(_options.ErrorDelay, _options.TimeProvider, _shutdownToken);
            }
            catch (OperationCanceledException) when (_shutdownToken.IsCancellationRequested)
            {
                // The next command loop pass replies 421 for the shutdown.
            }
        }

        return true;
    }

    private async ValueTask<bool> DispatchAsync()
    {
        var line = _reader.Line;
        var space = line.IndexOf((byte)' ');
        var verb = space < 0 ? line : line[..space];
        var argumentBytes = space < 0 ? [] : line[(space + 1)..];
        var command = SmtpCommandNames.Identify(verb);
        _command = SmtpCommandNames.GetName(command);

        var maxLineOctets = command switch
        {
            SmtpCommand.Mail or SmtpCommand.Rcpt => SmtpInputReader.MaxParameterCommandLineOctets,
            SmtpCommand.Auth => MaxAuthLineOctets,
            _ => SmtpInputReader.MaxCommandLineOctets,
        };

        SmtpReply? lineRejection = null;
        if (line.Length + 2 > maxLineOctets)
        {
            lineRejection = SmtpReplies.LineTooLong;
        }
        else if (line.Contains((byte)0))
        {
            lineRejection = SmtpReplies.CommandContainsNul;
        }
        else if (!Utf8.IsValid(argumentBytes))
        {
            lineRejection = SmtpReplies.CommandNotUtf8;
        }

        // RFC 3030 section 2: the chunk follows BDAT whatever the reply, so an invalid BDAT line is
        // answered only after its chunk has been skipped, and only a size that cannot be read ends the session.
        if (command == SmtpCommand.Bdat)
        {
            if (!TryParseBdatArgument(argumentBytes, out var size, out var last, out var syntaxError))
            {
                return await RejectBdatSizeAsync();
            }

            return await HandleBdatAsync(size, last, lineRejection ?? syntaxError);
        }

        if (lineRejection is not null)
        {
            Reply(lineRejection);
            return true;
        }

        // AUTH reads its argument as bytes, because it contains base64 credentials that must not be copied
        // into strings before TLS is checked.
        if (command == SmtpCommand.Auth)
        {
            return await HandleAuthAsync(argumentBytes.TrimEnd(" \t"u8));
        }

        // RFC 5321 has no trailing spaces in command syntax, but they are common and harmless.
        var argument = Encoding.UTF8.GetString(argumentBytes).TrimEnd(' ', '\t');
        switch (command)
        {
            case SmtpCommand.Ehlo:
                await HandleHelloAsync(argument, extended: true);
                return true;
            case SmtpCommand.Helo:
                await HandleHelloAsync(argument, extended: false);
                return true;
            case SmtpCommand.Mail:
                await HandleMailAsync(argument);
                return true;
            case SmtpCommand.Rcpt:
                await HandleRcptAsync(argument);
                return true;
            case SmtpCommand.Data:
                return await HandleDataAsync(argument);
            case SmtpCommand.Rset:
                await HandleRsetAsync(argument);
                return true;
            case SmtpCommand.Noop:
                // RFC 5321 section 4.1.1.9: NOOP may carry a string, which is ignored.
                Reply(SmtpReplies.Ok);
                return true;
            case SmtpCommand.Quit:
                return await HandleQuitAsync(argument);
            case SmtpCommand.Vrfy:
                Reply(argument.Length == 0 ? SmtpReplies.VrfySyntax : SmtpReplies.CannotVerify);
                return true;
            case SmtpCommand.Help:
                Reply(SmtpReplies.Help);
                return true;
            case SmtpCommand.StartTls:
                return await HandleStartTlsAsync(argument);
            case SmtpCommand.NotImplemented:
                Reply(SmtpReplies.NotImplemented);
                return true;
            default:
                Reply(SmtpReplies.UnknownCommand);
                return true;
        }
    }

    /// <summary>
    /// Queues a reply. Error replies are logged with the name of their command and, unless
    /// <paramref name="countError"/> is false, counted toward <see cref="SmtpServerOptions.MaxErrors"/>,
    /// which so bounds the log lines a client can cause.
    /// </summary>
    private void Reply(SmtpReply reply, bool countError = true)
    {
        _writer.Append(reply);
        if (reply.Code >= 400)
        {
            _rejectionCount++;
            if (countError)
            {
                _errorCount++;
            }

            Log.CommandRejected(_logger, _context.SessionId, _context.RemoteEndPoint, _command, reply.Code, reply.EnhancedStatusCode, reply.JoinedText);
        }
    }

    /// <summary>Sends the pending replies now, within the command timeout.</summary>
    private async ValueTask FlushAsync()
    {
        _ioDeadline.CancelAfter(_options.CommandTimeout);
        await _writer.FlushAsync(_transport, _ioDeadline.Token);
        _ioDeadline.CancelAfter(Timeout.InfiniteTimeSpan);
    }

    // The reader calls this whenever it needs more input. RFC 2920 section 3.2: the server flushes its
    // replies when it has no more input to process, which is exactly when a read would block.
    private async ValueTask<int> ReadTransportAsync(Memory<byte> buffer)
    {
        // Armed before the flush, so the timeout covers a client that neither reads nor writes.
        _ioDeadline.CancelAfter(_readTimeout);
        await _writer.FlushAsync(_transport, _ioDeadline.Token);
        var count = await _transport.ReadAsync(buffer, _ioDeadline.Token);
        _ioDeadline.CancelAfter(Timeout.InfiniteTimeSpan);
        return count;
    }

    private void OnShutdownRequested()
    {
        Interlocked.Exchange(ref _shutdownRequested, 1);
        if (Volatile.Read(ref _waitingForCommand) != 0)
        {
            _ioDeadline.Cancel();
        }
    }

    // At shutdown, or after a deadline cancelled the I/O: one last 421, with a fresh, short deadline
    // because the session's own may have passed.
    private async ValueTask SendFinalReplyAsync()
    {
        SmtpReply reply;
        if (ShutdownRequested)
        {
            Log.SessionShutDown(_logger, _context.SessionId, _context.RemoteEndPoint);
            reply = _server.ShutdownReply;
        }
        else
        {
            Log.SessionTimedOut(_logger, _context.SessionId, _context.RemoteEndPoint);
            reply = _server.TimeoutReply;
        }

        _writer.Append(reply);
        using var deadline = new CancellationTokenSource(FinalReplyTimeout, _options.TimeProvider);
        try
        {
            await _writer.FlushAsync(_transport, deadline.Token);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException)
        {
            Log.ConnectionLost(_logger, _context.SessionId, _context.RemoteEndPoint, exception);
        }
    }
}
