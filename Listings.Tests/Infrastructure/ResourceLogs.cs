using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Listings.Tests.Infrastructure;

/// <summary>
/// Collects the console log of every resource instance of a distributed application, as the dashboard shows it, from
/// before it starts: for tests that assert on what a user reads there.
/// </summary>
public sealed partial class ResourceLogs : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Resource, string Line)> _lines = new();
    private readonly ConcurrentDictionary<string, Task> _watchers = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _discovery;

    private ResourceLogs(DistributedApplication app)
    {
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        _discovery = Task.Run(async () =>
        {
            try
            {
                await foreach (var resourceEvent in notifications.WatchAsync(_stop.Token))
                {
                    _ = _watchers.GetOrAdd(resourceEvent.ResourceId, id => Task.Run(() => WatchAsync(logs, resourceEvent.Resource.Name, id)));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <summary>Starts collecting; call it after building the app and before starting it.</summary>
    public static ResourceLogs Watch(DistributedApplication app) => new(app);

    /// <summary>Every line so far, each with its resource's name.</summary>
    public IReadOnlyList<(string Resource, string Line)> Lines => [.. _lines];

    /// <summary>
    /// The lines logged at Warning or above: .NET's console format (<c>warn:</c>, <c>fail:</c>, <c>crit:</c>),
    /// PostgreSQL's (<c>WARNING:</c>, <c>ERROR:</c>, <c>FATAL:</c>, <c>PANIC:</c>) and PgBouncer's.
    /// </summary>
    public IReadOnlyList<string> AtWarningOrAbove() =>
        [.. _lines.Where(entry => SevereRegex().IsMatch(entry.Line)).Select(entry => $"{entry.Resource}: {entry.Line}")];

    private async Task WatchAsync(ResourceLoggerService logs, string resource, string id)
    {
        try
        {
            await foreach (var batch in logs.WatchAsync(id).WithCancellation(_stop.Token))
            {
                foreach (var line in batch)
                {
                    _lines.Enqueue((resource, line.Content));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [GeneratedRegex(@"^(\S+\s)?(warn|fail|crit):|\b(WARNING|ERROR|FATAL|PANIC):|\s(WARNING|ERROR|FATAL)\s")]
    private static partial Regex SevereRegex();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _discovery;
        await Task.WhenAll(_watchers.Values);
        _stop.Dispose();
    }
}
