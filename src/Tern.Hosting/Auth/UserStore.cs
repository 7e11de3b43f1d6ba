using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tern.Hosting.Auth;

/// <summary>
/// The users who may authenticate for submission, kept in a JSON file (<c>users.json</c> in the data
/// directory by default) that only its owner may read or write (mode 0600). The server rereads the file
/// when its modification time or size changes, so <c>tern user add</c> takes effect without a restart.
/// Thread-safe.
/// </summary>
public sealed class UserStore
{
    // Relaxed escaping keeps "+" in base64 readable; the file is never embedded in HTML.
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Dictionary<string, UserAccount> _users = new(StringComparer.OrdinalIgnoreCase);
    private (DateTime ModifiedUtc, long Length)? _loadedVersion;

    /// <summary>Creates a store for <paramref name="filePath"/>; the file is read on first use.</summary>
    public UserStore(string filePath, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        FilePath = Path.GetFullPath(filePath);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The absolute path of the users file.</summary>
    public string FilePath { get; }

    /// <summary>Returns the user named <paramref name="name"/> (compared case-insensitively), or null.</summary>
    /// <exception cref="UserStoreException">The file cannot be read or is invalid, and no earlier version was loaded.</exception>
    public UserAccount? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Current().GetValueOrDefault(name);
    }

    /// <summary>Returns every user, sorted by name.</summary>
    /// <exception cref="UserStoreException">The file cannot be read or is invalid.</exception>
    public IReadOnlyList<UserAccount> List() =>
        [.. ReadFile().Values.OrderBy(user => user.Name, StringComparer.OrdinalIgnoreCase)];

    /// <summary>Adds a user and writes the file. Returns false, writing nothing, when the name exists already.</summary>
    /// <exception cref="UserStoreException">The file cannot be read, is invalid or cannot be written.</exception>
    public bool Add(UserAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);

        // NOTE: two commands that change the file at the same moment can lose one change, because the
        // read and the replace are not locked against each other.
        var users = ReadFile();
        if (!users.TryAdd(account.Name, account))
        {
            return false;
        }

        WriteFile(users);
        return true;
    }

    /// <summary>Removes a user and writes the file. Returns false when no such user exists.</summary>
    /// <exception cref="UserStoreException">The file cannot be read, is invalid or cannot be written.</exception>
    public bool Remove(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var users = ReadFile();
        if (!users.Remove(name))
        {
            return false;
        }

        WriteFile(users);
        return true;
    }

    // Rereads the file when it changed. A file that became invalid leaves the last good users in force,
    // so that a half-edited file does not lock everybody out. The error is logged once per change.
    private Dictionary<string, UserAccount> Current()
    {
        lock (_lock)
        {
            var version = ReadVersion();
            if (version == _loadedVersion)
            {
                return _users;
            }

            try
            {
                _users = ReadFile();
                Log.UsersFileLoaded(_logger, FilePath, _users.Count);
                WarnIfReadableByOthers();
            }
            catch (UserStoreException ex) when (_loadedVersion is not null)
            {
                Log.UsersFileInvalid(_logger, FilePath, ex.Message);
            }

            _loadedVersion = version;
            return _users;
        }
    }

    private void WarnIfReadableByOthers()
    {
        const UnixFileMode OtherAccess = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        if (OperatingSystem.IsWindows() || !File.Exists(FilePath))
        {
            return;
        }

        var mode = File.GetUnixFileMode(FilePath);
        if ((mode & OtherAccess) != 0)
        {
            Log.UsersFilePermissions(_logger, FilePath, Convert.ToString((int)mode, 8));
        }
    }

    private (DateTime ModifiedUtc, long Length)? ReadVersion()
    {
        var info = new FileInfo(FilePath);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
    }

    private Dictionary<string, UserAccount> ReadFile()
    {
        var users = new Dictionary<string, UserAccount>(StringComparer.OrdinalIgnoreCase);
        UsersDocument? document;
        try
        {
            using var stream = File.OpenRead(FilePath);
            document = JsonSerializer.Deserialize<UsersDocument>(stream, JsonOptions);
        }
        catch (FileNotFoundException)
        {
            return users;
        }
        catch (DirectoryNotFoundException)
        {
            return users;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new UserStoreException($"cannot read the users file '{FilePath}': {ex.Message}", ex);
        }

        foreach (var (name, entry) in document?.Users ?? [])
        {
            var reason = UserAccount.ValidateName(name)
                ?? (entry.Password is null ? "the password hash is missing" : entry.Password.Validate())
                ?? entry.Senders.Select(UserAccount.ValidateSender).FirstOrDefault(error => error is not null);
            if (reason is not null)
            {
                throw new UserStoreException($"the users file '{FilePath}' has an invalid entry for '{name}': {reason}; fix or remove it with 'tern user remove'");
            }

            if (!users.TryAdd(name, new UserAccount { Name = name, Password = entry.Password!, Senders = entry.Senders }))
            {
                throw new UserStoreException($"the users file '{FilePath}' lists '{name}' twice (names are compared case-insensitively)");
            }
        }

        return users;
    }

    // Writes a new file beside the old one with mode 0600 from its creation, flushes it to disk and
    // renames it over the old one, so a reader sees either the old or the new file, never a part.
    private void WriteFile(Dictionary<string, UserAccount> users)
    {
        var document = new UsersDocument
        {
            Users = users.Values
                .OrderBy(user => user.Name, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(user => user.Name, user => new UserEntry { Password = user.Password, Senders = [.. user.Senders] }),
        };

        var directory = Path.GetDirectoryName(FilePath)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(FilePath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(stream, document, JsonOptions);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, FilePath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new UserStoreException($"cannot write the users file '{FilePath}': {ex.Message}", ex);
        }
    }

    /// <summary>The JSON form of the users file.</summary>
    private sealed class UsersDocument
    {
        public Dictionary<string, UserEntry> Users { get; set; } = [];
    }

    /// <summary>One user in the JSON file; the name is the key.</summary>
    private sealed class UserEntry
    {
        public PasswordHash? Password { get; set; }

        public List<string> Senders { get; set; } = [];
    }
}
