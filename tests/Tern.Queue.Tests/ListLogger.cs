using Microsoft.Extensions.Logging;

namespace Tern.Queue.Tests;

/// <summary>Collects formatted log messages so that tests can check the log vocabulary.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<(EventId EventId, string Message)> _entries = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_entries)
            {
                return _entries.Select(entry => entry.Message).ToArray();
            }
        }
    }

    public IReadOnlyList<int> EventIds
    {
        get
        {
            lock (_entries)
            {
                return _entries.Select(entry => entry.EventId.Id).ToArray();
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((eventId, formatter(state, exception)));
        }
    }
}
