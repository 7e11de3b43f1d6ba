using System.Globalization;

namespace Tern.LoadGenerator;

/// <summary>
/// Writes error messages to standard error as they happen, up to a limit, so that a server that rejects
/// everything does not flood the terminal. <see cref="WriteSummary"/> reports how many were left out.
/// </summary>
internal sealed class ErrorReporter(int maxPrinted)
{
    private readonly Lock _lock = new();
    private int _count;

    public void Report(string message)
    {
        lock (_lock)
        {
            _count++;
            if (_count <= maxPrinted)
            {
                Console.Error.WriteLine($"tern-loadgen: {message}");
            }
        }
    }

    public void WriteSummary()
    {
        lock (_lock)
        {
            if (_count > maxPrinted)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tern-loadgen: {_count - maxPrinted} more errors not shown"));
            }
        }
    }
}
