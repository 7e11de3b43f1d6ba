namespace Tern.Cli;

/// <summary>Process exit codes shared by every command.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and found a failure (a check failed, a message was not found).</summary>
    public const int Failure = 1;

    /// <summary>Bad arguments or configuration: nothing was done.</summary>
    public const int Usage = 2;
}
