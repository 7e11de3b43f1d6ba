using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tern.Queue;

namespace Tern.Delivery.Local;

/// <summary>
/// Writes messages into Maildirs under one mail directory: <c>&lt;root&gt;/&lt;domain&gt;/&lt;user&gt;/</c>
/// with its <c>tmp</c>, <c>new</c> and <c>cur</c> subdirectories.
/// </summary>
/// <remarks>
/// A message is written to <c>tmp/</c>, synced, renamed into <c>new/</c>, and the <c>new/</c> directory
/// is synced, so a message is either complete in <c>new/</c> or absent after a crash. Directories are
/// created with mode 0700 and files with 0600, because they contain mail. File names follow the
/// Maildir specification at https://cr.yp.to/proto/maildir.html.
/// </remarks>
public sealed class MaildirDelivery
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const int MaxNameAttempts = 3;

    private static readonly int ProcessId = Environment.ProcessId;

    private readonly TimeProvider _timeProvider;
    private readonly string _hostName;
    private long _deliveryCount;

    /// <param name="mailDirectory">The root of the Maildirs.</param>
    /// <param name="timeProvider">The clock for file names; the system clock when null.</param>
    /// <param name="hostName">The host name in file names; the machine name when null.</param>
    public MaildirDelivery(string mailDirectory, TimeProvider? timeProvider = null, string? hostName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(mailDirectory);
        MailDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(mailDirectory));
        _timeProvider = timeProvider ?? TimeProvider.System;
        _hostName = EscapeHostName(hostName ?? Environment.MachineName);
    }

    public string MailDirectory { get; }

    /// <summary>
    /// Delivers one message to <c>&lt;root&gt;/&lt;domain&gt;/&lt;user&gt;/new/</c>, creating the Maildir
    /// when missing, and returns the path of the new file.
    /// </summary>
    /// <param name="domain">The lower-case domain directory name.</param>
    /// <param name="user">The lower-case user directory name.</param>
    /// <param name="sender">The envelope sender for the Return-Path field; empty for the null reverse-path.</param>
    /// <param name="content">The message as queued; copied from its current position to the end.</param>
    /// <param name="cancellationToken">Cancels the write; the partial file in <c>tmp/</c> is removed.</param>
    /// <exception cref="ArgumentException">The domain, user or sender cannot be used; the message gives the reason.</exception>
    /// <exception cref="IOException">Writing, renaming or syncing failed.</exception>
    public async ValueTask<string> DeliverAsync(string domain, string user, string sender, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(content);
        var maildir = ResolveMaildir(domain, user);
        if (sender.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException("The sender contains CR, LF or NUL, which would break the Return-Path header field.", nameof(sender));
        }

        var temporaryDirectory = Path.Combine(maildir, "tmp");
        var newDirectory = Path.Combine(maildir, "new");
        DurableDirectory.Create(temporaryDirectory, PrivateDirectory);
        DurableDirectory.Create(newDirectory, PrivateDirectory);
        DurableDirectory.Create(Path.Combine(maildir, "cur"), PrivateDirectory);

        var (fileName, file) = CreateTemporaryFile(temporaryDirectory);
        var temporaryPath = Path.Combine(temporaryDirectory, fileName);
        try
        {
            await using (file)
            {
                // RFC 5321 section 4.4: the final delivery adds the Return-Path field with the reverse-path.
                await file.WriteAsync(Encoding.UTF8.GetBytes($"Return-Path: <{sender}>\r\n"), cancellationToken);
                await content.CopyToAsync(file, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            var newPath = Path.Combine(newDirectory, fileName);
            File.Move(temporaryPath, newPath);
            DurableDirectory.Sync(newDirectory);
            return newPath;
        }
        catch
        {
            File.Delete(temporaryPath);
            throw;
        }
    }

    /// <summary>Returns the Maildir path for a domain and user after checking that it stays under the mail directory.</summary>
    private string ResolveMaildir(string domain, string user)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(user);
        if (MailboxName.CheckDirectoryName(domain) is { } domainReason)
        {
            throw new ArgumentException($"Invalid Maildir domain '{domain}': {domainReason}.", nameof(domain));
        }

        if (MailboxName.CheckDirectoryName(user) is { } userReason)
        {
            throw new ArgumentException($"Invalid Maildir user '{user}': {userReason}.", nameof(user));
        }

        // The checks above already exclude separators and dot names. This check catches anything they miss.
        var maildir = Path.GetFullPath(Path.Combine(MailDirectory, domain, user));
        var expectedParent = Path.Combine(MailDirectory, domain);
        if (!string.Equals(Path.GetDirectoryName(maildir), expectedParent, StringComparison.Ordinal)
            || !string.Equals(Path.GetDirectoryName(expectedParent), MailDirectory, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The Maildir for '{user}' at '{domain}' would be outside '{MailDirectory}'.", nameof(user));
        }

        return maildir;
    }

    /// <summary>Creates a file in <c>tmp/</c> under a new unique name.</summary>
    private (string FileName, FileStream File) CreateTemporaryFile(string temporaryDirectory)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 64 * 1024 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile;
        }

        for (var attempt = 1; ; attempt++)
        {
            var fileName = UniqueName();
            var path = Path.Combine(temporaryDirectory, fileName);
            try
            {
                return (fileName, new FileStream(path, options));
            }
            catch (IOException) when (attempt < MaxNameAttempts && File.Exists(path))
            {
                // A file left by an earlier process with the same id has this name. The next counter value gives a new one.
            }
        }
    }

    /// <summary>
    /// Returns a Maildir file name: seconds since the epoch, then a part unique on this host
    /// (M microseconds, P process id, Q per-process delivery counter), then the host name.
    /// </summary>
    private string UniqueName()
    {
        var now = _timeProvider.GetUtcNow();
        var seconds = now.ToUnixTimeSeconds();
        var microseconds = (now.Ticks / (TimeSpan.TicksPerMillisecond / 1000)) % 1_000_000;
        var counter = Interlocked.Increment(ref _deliveryCount);
        return string.Create(CultureInfo.InvariantCulture, $"{seconds}.M{microseconds}P{ProcessId}Q{counter}.{_hostName}");
    }

    /// <summary>Escapes "/" and ":" in the host name as \057 and \072, as the Maildir specification requires.</summary>
    private static string EscapeHostName(string hostName)
    {
        Debug.Assert(hostName.Length > 0, "The machine name is never empty.");
        return hostName.Replace("/", "\\057", StringComparison.Ordinal).Replace(":", "\\072", StringComparison.Ordinal);
    }
}
