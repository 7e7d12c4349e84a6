using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace Listings.Api.Data;

/// <summary>
/// Npgsql's retrying strategy (it knows which errors are transient) with the pauses of a <see cref="RetrySchedule"/>:
/// EF Core's own schedule (0, 1, 3, 7 … s) gives up on a restart too early with two retries, and holds a request for
/// seconds with more. The budget runs from the request's arrival (<see cref="RequestStart"/>), else the first try.
/// </summary>
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
    protected override bool ShouldRetryOn(Exception? exception) =>
        exception is DatabaseConnectionLostException || base.ShouldRetryOn(exception);

    /// <inheritdoc />
    protected override TimeSpan? GetNextDelay(Exception lastException) =>
        _schedule.Next(ExceptionsEncountered.Count, Stopwatch.GetElapsedTime(_budgetStartedAt), Random.Shared.NextDouble());
}
