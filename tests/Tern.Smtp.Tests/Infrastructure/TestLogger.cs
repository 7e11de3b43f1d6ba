using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tern.Smtp.Server;

namespace Tern.Smtp.Tests.Infrastructure;

/// <summary>A logger that keeps every entry for assertions.</summary>
internal sealed class TestLogger : ILogger<SmtpServerSession>
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception), exception));
}

/// <summary>One log entry with the exception passed to the logger, if any.</summary>
internal sealed record LogEntry(LogLevel Level, int EventId, string Message, Exception? Exception = null);
