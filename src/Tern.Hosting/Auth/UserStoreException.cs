namespace Tern.Hosting.Auth;

/// <summary>The users file cannot be read, parsed or written; the message names the file and the cause.</summary>
public sealed class UserStoreException(string message, Exception? innerException = null) : Exception(message, innerException);
