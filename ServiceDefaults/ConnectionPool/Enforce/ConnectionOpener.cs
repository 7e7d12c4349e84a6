using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Opens EF Core's connections itself, for two reasons.
/// <list type="bullet">
/// <item>A connect is bounded apart from the wait for a free connection. Npgsql's <c>Timeout</c> bounds both, and in
/// Npgsql 10.0.3 the token given to <c>OpenAsync</c> cancels the wait in a full pool but not a connect stalled in its
/// login (it ran the whole <c>Timeout</c>, found by experiment behind a stalling proxy). So the plan's <c>Timeout</c> is
/// the connect's bound (<c>ConnectionPool:ConnectTimeoutSeconds</c>), and a wait in a full pool that runs out of it is
/// begun again until the longer <c>ConnectionPool:TimeoutSeconds</c> is spent. A stalled connect ends in Npgsql's own
/// transient timeout, which the retrying strategy retries if the request's budget allows and the error handler answers 503.</item>
/// <item>After a refused login no connection is tried while <see cref="LoginBackoff"/> pauses.</item>
/// </list>
/// Registered after <see cref="PoolUsageInterceptor"/>, which times the whole open.
/// </summary>
public sealed class ConnectionOpener(ConnectionPlan plan, LoginBackoff backoff) : DbConnectionInterceptor
{
    private readonly TimeSpan _poolWait = TimeSpan.FromSeconds(plan.TimeoutSeconds);
    private readonly TimeSpan _slice = TimeSpan.FromSeconds(plan.ConnectTimeoutSeconds);

    /// <inheritdoc />
    public override ValueTask<InterceptionResult> ConnectionOpeningAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
        OpenAsync(result, () => new ValueTask(connection.OpenAsync(cancellationToken)));

    /// <inheritdoc />
    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
        // The open runs synchronously, so the task is complete when it returns.
        OpenAsync(result, () =>
        {
            connection.Open();
            return ValueTask.CompletedTask;
        }).GetAwaiter().GetResult();

    private async ValueTask<InterceptionResult> OpenAsync(InterceptionResult result, Func<ValueTask> open)
    {
        if (result.IsSuppressed)
        {
            return result;
        }

        var attempt = backoff.Enter();
        var startedAt = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                await open();
                backoff.Succeeded(attempt);
                return InterceptionResult.Suppress();
            }
            catch (Exception error) when (MayWaitAgain(error, startedAt))
            {
                // The pool stayed full for one slice: queue again (no connect was tried, so the backoff is not involved).
            }
            catch (Exception error) when (backoff.Failed(attempt, error) is { } paused)
            {
                throw paused;
            }
        }
    }

    private bool MayWaitAgain(Exception error, long startedAt) =>
        ConnectionProblemClassifier.IsPoolExhausted(error) && Stopwatch.GetElapsedTime(startedAt) + _slice <= _poolWait;
}
