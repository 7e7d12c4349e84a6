using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Listings.Tests.Infrastructure;

/// <summary>
/// The AppHost's own log (its <see cref="ILogger"/> output, not the resources' consoles): add it to a testing builder's
/// logging to read what Aspire says about a command or a state change, exceptions included.
/// </summary>
public sealed class HostLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Every entry so far: level, category, message and exception.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Every entry so far, one a line, for a failure message.</summary>
    public string Text => string.Join(Environment.NewLine, _lines);

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : Environment.NewLine + exception)}");
    }
}
