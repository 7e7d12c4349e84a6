using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Opens EF Core's connections: none while <see cref="LoginBackoff"/> pauses, and a connect bounded apart from the wait
/// for a free connection. Npgsql's <c>Timeout</c> bounds both, and in Npgsql 10.0.3 the token given to <c>OpenAsync</c>
/// cancels the wait in a full pool but not a connect stalled in its login. So the plan's <c>Timeout</c> is the connect
/// bound, and a wait in a full pool that runs out of it begins again until <c>ConnectionPool:TimeoutSeconds</c> is spent.
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
