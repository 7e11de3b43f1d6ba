using System.Net;
using Microsoft.Extensions.Logging;

namespace Tern.Hosting;

/// <summary>Log messages of the users file and the credential check. Passwords and hashes are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Information, Message = "users file {File} loaded: {UserCount} users")]
    public static partial void UsersFileLoaded(ILogger logger, string file, int userCount);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Error, Message = "users file {File} changed but is invalid; the previous users stay in force: {Reason}")]
    public static partial void UsersFileInvalid(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "users file {File} has mode {Mode}; other users may read the password hashes, so run chmod 600 on it")]
    public static partial void UsersFilePermissions(ILogger logger, string file, string mode);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "authentication from {Client} failed: {Reason}")]
    public static partial void CredentialsRejected(ILogger logger, IPAddress client, string reason);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Error, Message = "authentication from {Client} failed: the users file cannot be used")]
    public static partial void UsersFileUnusable(ILogger logger, IPAddress client, Exception exception);
}
