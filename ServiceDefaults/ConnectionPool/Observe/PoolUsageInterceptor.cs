using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Times every connection EF Core opens and closes: the wait to get one (<c>db.client.connection.wait_time</c>)
/// and the time it is held (<c>db.client.connection.use_time</c>), and keeps <see cref="PoolUsage"/> current.
/// </summary>
/// <remarks>
/// A connection that breaks while in use (a server restart, <c>pg_terminate_backend</c>) is closed by Npgsql itself, and
/// EF Core then never reports a close for it. Such a connection is counted as returned when the command on it fails,
/// or at the latest when the same connection object is opened again; otherwise every break would leave one phantom
/// connection "in use" for good, and the pool would look saturated after a few restarts.
/// </remarks>
public sealed class PoolUsageInterceptor(PoolUsage usage, string poolName) : DbConnectionInterceptor, IDbCommandInterceptor
{
    // Per-connection bookkeeping without a lock, one entry per connection object for its whole life: a pooled context
    // keeps its connection object, so its opens and closes only update the entry (adding and removing entries per open
    // cost a GC handle each). The entry goes when the connection object is collected.
    private readonly ConditionalWeakTable<DbConnection, ConnectionUse> _connections = new();
    private readonly KeyValuePair<string, object?> _poolTag = new(PoolMetrics.PoolNameTag, poolName);

    // "GET /api/v1/listings/{id}" per endpoint and method, formatted once rather than on every open.
    private readonly ConcurrentDictionary<(RouteEndpoint Endpoint, string Method), string> _routes = new();

    // Its storage is static: any instance sees the request of the current flow once the host registers an accessor.
    private readonly HttpContextAccessor _http = new();

    /// <inheritdoc />
    public override ValueTask<InterceptionResult> ConnectionOpeningAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Opening(connection);
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc />
    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Opening(connection);
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
        OpenFailed(connection, eventData.Exception);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override void ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData) => OpenFailed(connection, eventData.Exception);

    /// <inheritdoc />
    public override Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Release(connection);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    /// <inheritdoc />
    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => ReleaseIfBroken(command.Connection);

    /// <inheritdoc />
    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ReleaseIfBroken(command.Connection);
        return Task.CompletedTask;
    }

    private void Opening(DbConnection connection)
    {
        // Still counted as held: it broke in use and nobody reported it (see the remarks).
        Release(connection);
        _connections.GetValue(connection, static _ => new ConnectionUse()).OpeningStartedAt = usage.OpeningStarted();
    }

    private void Opened(DbConnection connection)
    {
        if (!_connections.TryGetValue(connection, out var use) || use.OpeningStartedAt == 0)
        {
            return;
        }

        var waited = usage.OpeningEnded(use.OpeningStartedAt, PoolUsage.OpenOutcome.Opened);
        use.OpeningStartedAt = 0;
        PoolMetrics.WaitTime.Record(waited.TotalSeconds, _poolTag);
        var hold = new ConnectionHold { Route = CurrentRoute(), TraceId = Activity.Current?.TraceId.ToHexString() };
        usage.Holding(hold);
        Volatile.Write(ref use.Held, new HeldConnection(Stopwatch.GetTimestamp(), hold));
    }

    private void OpenFailed(DbConnection connection, Exception exception)
    {
        if (_connections.TryGetValue(connection, out var use) && use.OpeningStartedAt != 0)
        {
            usage.OpeningEnded(use.OpeningStartedAt, ConnectionProblemClassifier.IsTimeout(exception) ? PoolUsage.OpenOutcome.TimedOut : PoolUsage.OpenOutcome.Failed);
            use.OpeningStartedAt = 0;
        }
    }

    private void ReleaseIfBroken(DbConnection? connection)
    {
        if (connection is not null && connection.State != ConnectionState.Open)
        {
            Release(connection);
        }
    }

    private void Release(DbConnection connection)
    {
        // Taking the hold makes the release count once, whichever of close, failed command or reopen gets here first.
        if (_connections.TryGetValue(connection, out var use) && Interlocked.Exchange(ref use.Held, null) is { } held)
        {
            var duration = Stopwatch.GetElapsedTime(held.OpenedAt);
            usage.Released(duration, held.Hold);
            PoolMetrics.UseTime.Record(duration.TotalSeconds, _poolTag);
        }
    }

    // The route template, not the path: it names the endpoint without ids or query values.
    private string CurrentRoute()
    {
        if (_http.HttpContext is not { } context)
        {
            return "(no request)";
        }

        var method = context.Request.Method;
        return context.GetEndpoint() is RouteEndpoint endpoint
            ? _routes.GetOrAdd((endpoint, method), static key => $"{key.Method} {key.Endpoint.RoutePattern.RawText}")
            : $"{method} {context.Request.Path.Value}";
    }

    // What is known of one connection object: when its current open started (0: not opening) and its current hold.
    private sealed class ConnectionUse
    {
        public long OpeningStartedAt;

        public HeldConnection? Held;
    }

    private sealed record HeldConnection(long OpenedAt, ConnectionHold Hold);
}
