using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Times every connection EF Core opens and closes: the wait to get one (<c>db.client.connection.wait_time</c>)
/// and the time it is held (<c>db.client.connection.use_time</c>), and keeps <see cref="PoolUsage"/> current.
/// </summary>
public sealed class PoolUsageInterceptor(PoolUsage usage, string poolName) : DbConnectionInterceptor
{
    // Per-connection bookkeeping without a lock: the entry goes when the connection object is collected.
    private readonly ConditionalWeakTable<DbConnection, StrongBox<long>> _openingStartedAt = new();
    private readonly ConditionalWeakTable<DbConnection, StrongBox<long>> _openedAt = new();
    private readonly KeyValuePair<string, object?> _poolTag = new(PoolMetrics.PoolNameTag, poolName);

    /// <inheritdoc />
    public override ValueTask<InterceptionResult> ConnectionOpeningAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        _openingStartedAt.AddOrUpdate(connection, new StrongBox<long>(usage.OpeningStarted()));
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc />
    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        _openingStartedAt.AddOrUpdate(connection, new StrongBox<long>(usage.OpeningStarted()));
        return result;
    }

    /// <inheritdoc />
    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Opened(connection);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Opened(connection);

    /// <inheritdoc />
    public override Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(connection);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override void ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData) => Failed(connection);

    /// <inheritdoc />
    public override Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Closed(connection);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Closed(connection);

    private void Opened(DbConnection connection)
    {
        if (!_openingStartedAt.TryGetValue(connection, out var startedAt))
        {
            return;
        }

        _openingStartedAt.Remove(connection);
        var waited = usage.OpeningEnded(startedAt.Value, opened: true);
        PoolMetrics.WaitTime.Record(waited.TotalSeconds, _poolTag);
        _openedAt.AddOrUpdate(connection, new StrongBox<long>(System.Diagnostics.Stopwatch.GetTimestamp()));
    }

    private void Failed(DbConnection connection)
    {
        // Failing while opening ends a wait; failing later (a broken connection) is seen again at close.
        if (_openingStartedAt.TryGetValue(connection, out var startedAt))
        {
            _openingStartedAt.Remove(connection);
            usage.OpeningEnded(startedAt.Value, opened: false);
        }
    }

    private void Closed(DbConnection connection)
    {
        if (!_openedAt.TryGetValue(connection, out var openedAt))
        {
            return;
        }

        _openedAt.Remove(connection);
        var held = System.Diagnostics.Stopwatch.GetElapsedTime(openedAt.Value);
        usage.Released(held);
        PoolMetrics.UseTime.Record(held.TotalSeconds, _poolTag);
    }
}
