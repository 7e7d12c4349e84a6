using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>Times the wait for each connection EF Core opens and how long it is held, and keeps <see cref="PoolUsage"/> current.</summary>
/// <remarks>
/// A connection counts as returned when it leaves the open state (<see cref="DbConnection.StateChange"/>). Npgsql raises
/// that also when a connection breaks in use (a server restart, <c>pg_terminate_backend</c>), for which EF Core reports
/// no close: counting only EF Core's closes would leave a phantom connection "in use" per break.
/// </remarks>
/// <param name="usage">The pool's usage to keep current.</param>
/// <param name="poolName">The pool's name in the metrics' tags.</param>
/// <param name="plan">The host's plan, for the host and role tags; null tags the pool name only.</param>
public sealed class PoolUsageInterceptor(PoolUsage usage, string poolName, ConnectionPlan? plan = null) : DbConnectionInterceptor
{
    // One entry per connection object for its whole life, without a lock: a pooled context keeps its connection object,
    // and adding and removing an entry per open would cost a GC handle each.
    private readonly ConditionalWeakTable<DbConnection, ConnectionUse> _connections = new();
    private readonly KeyValuePair<string, object?>[] _tags = plan is null
        ? [new(PoolMetrics.PoolNameTag, poolName)]
        : [new(PoolMetrics.PoolNameTag, poolName), new("server.address", plan.Host), new("server.port", plan.Port), new(PoolMetrics.RoleTag, KebabCase.Name(plan.Role))];

    // "GET /api/v1/listings/{id}", formatted once per endpoint and method.
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

    private void Opening(DbConnection connection)
    {
        if (!_connections.TryGetValue(connection, out var use))
        {
            use = _connections.GetValue(connection, Track);
        }

        // Still counted as held: it broke in use and no state change said so.
        Release(use);
        use.OpeningStartedAt = usage.OpeningStarted();
    }

    private ConnectionUse Track(DbConnection connection)
    {
        var use = new ConnectionUse();
        connection.StateChange += (_, change) =>
        {
            if (!change.CurrentState.HasFlag(ConnectionState.Open))
            {
                Release(use);
            }
        };
        return use;
    }

    private void Opened(DbConnection connection)
    {
        if (!_connections.TryGetValue(connection, out var use) || use.OpeningStartedAt == 0)
        {
            return;
        }

        var waited = usage.OpeningEnded(use.OpeningStartedAt, PoolUsage.OpenOutcome.Opened);
        use.OpeningStartedAt = 0;
        PoolMetrics.WaitTime.Record(waited.TotalSeconds, _tags);
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

    private void Release(ConnectionUse use)
    {
        // Taking the hold makes the release count once, whichever of the state change or a reopen gets here first.
        if (Interlocked.Exchange(ref use.Held, null) is { } held)
        {
            var duration = Stopwatch.GetElapsedTime(held.OpenedAt);
            usage.Released(duration, held.Hold);
            PoolMetrics.UseTime.Record(duration.TotalSeconds, _tags);
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

    // OpeningStartedAt is 0 while not opening.
    private sealed class ConnectionUse
    {
        public long OpeningStartedAt;

        public HeldConnection? Held;
    }

    private sealed record HeldConnection(long OpenedAt, ConnectionHold Hold);
}
