using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace Listings.Api.Data;

/// <summary>
/// Npgsql's retrying strategy (it knows which PostgreSQL and network errors are transient) with the pauses of a
/// <see cref="RetrySchedule"/>: EF Core's own schedule waits 0, 1, 3, 7 … s, which either gives up on a restart too
/// early (two retries) or holds a request for many seconds while the database is down (more).
/// </summary>
/// <remarks>
/// The budget runs from the arrival of the HTTP request the operation serves (<see cref="RequestStart"/>), else from the
/// operation's first try. EF Core creates a strategy per operation and calls <see cref="OnFirstExecution"/> before its
/// first try.
/// </remarks>
public sealed class BoundedRetryingExecutionStrategy(ExecutionStrategyDependencies dependencies, DatabaseRetryOptions options)
    : NpgsqlRetryingExecutionStrategy(dependencies, options.MaxRetryCount, TimeSpan.FromSeconds(options.MaxRetryDelaySeconds), errorCodesToAdd: null)
{
    private readonly RetrySchedule _schedule = new(options);
    private long _budgetStartedAt;

    /// <inheritdoc />
    protected override void OnFirstExecution()
    {
        base.OnFirstExecution();
        _budgetStartedAt = RequestStart.Current ?? Stopwatch.GetTimestamp();
    }

    /// <summary>Npgsql's transient errors, and a connection that broke inside a transaction.</summary>
    /// <param name="exception">The failure of the last try.</param>
    protected override bool ShouldRetryOn(Exception? exception) =>
        exception is DatabaseConnectionLostException || base.ShouldRetryOn(exception);

    /// <inheritdoc />
    protected override TimeSpan? GetNextDelay(Exception lastException) =>
        _schedule.Next(ExceptionsEncountered.Count, Stopwatch.GetElapsedTime(_budgetStartedAt), Random.Shared.NextDouble());
}
