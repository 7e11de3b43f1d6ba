namespace Tern.Hosting;

/// <summary>Tern cannot start: the message names the setting and what to do.</summary>
public sealed class StartupException(string message, Exception? innerException = null) : Exception(message, innerException);
