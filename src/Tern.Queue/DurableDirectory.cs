using System.Runtime.InteropServices;

namespace Tern.Queue;

/// <summary>
/// Makes directory changes (created, renamed and removed entries) durable. Linux keeps a new
/// directory entry in memory until the directory itself is synced, so a rename that was never
/// synced can disappear in a crash even when the file's own data was synced.
/// </summary>
public static partial class DurableDirectory
{
    private const int ReadOnly = 0;

    // O_CLOEXEC is 0x80000 on every Linux architecture .NET runs on.
    private const int CloseOnExec = 0x80000;

    /// <summary>Syncs a directory's entries to stable storage (open, fsync, close).</summary>
    /// <exception cref="IOException">Opening or syncing the directory failed; the message names the path and the error.</exception>
    /// <remarks>
    /// NOTE: on operating systems other than Linux this does nothing. Windows has no way to sync a
    /// directory, and Tern's servers run on Linux.
    /// </remarks>
    public static void Sync(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var descriptor = Open(path, ReadOnly | DirectoryFlag | CloseOnExec);
        if (descriptor < 0)
        {
            throw Failure("open", path);
        }

        try
        {
            if (FileSync(descriptor) != 0)
            {
                throw Failure("fsync", path);
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    /// <summary>
    /// Creates a directory and any missing parents, syncing the parent of each directory created,
    /// so that the new directories survive a crash.
    /// </summary>
    /// <param name="path">The directory to create.</param>
    /// <param name="unixMode">Permissions for the directories created on Unix (before the umask); null for the default 0777.</param>
    public static void Create(string path, UnixFileMode? unixMode = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (Directory.Exists(fullPath))
        {
            return;
        }

        var parent = Path.GetDirectoryName(fullPath);
        if (parent is not null)
        {
            Create(parent, unixMode);
        }

        if (unixMode is { } mode && !OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(fullPath, mode);
        }
        else
        {
            Directory.CreateDirectory(fullPath);
        }

        if (parent is not null)
        {
            Sync(parent);
        }
    }

    // O_DIRECTORY is 0x4000 on ARM and PowerPC and 0x10000 on x86 and the other Linux architectures.
    private static int DirectoryFlag =>
        RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 or Architecture.Armv6 or Architecture.Ppc64le
            ? 0x4000
            : 0x10000;

    private static IOException Failure(string call, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"Failed to sync directory '{path}': {call} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FileSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
