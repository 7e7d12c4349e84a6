using Listings.ServiceDefaults.ConnectionPool;
using Npgsql;

namespace Listings.Api.Data;

/// <summary>Tells failures of an unreachable or saturated database apart from bugs.</summary>
public static class DatabaseFailures
{
    /// <summary>
    /// Finds, in <paramref name="exception"/> or any exception it wraps, the one saying the database could not
    /// be reached or no pooled connection was free in time. The whole chain is searched because EF Core's
    /// retrying execution strategy wraps the last failure in a <c>RetryLimitExceededException</c>.
    /// </summary>
    /// <param name="exception">The exception to classify.</param>
    /// <returns>The transient failure, whose message names the host at most; <c>null</c> when there is none.</returns>
    public static Exception? FindTransient(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true } or TimeoutException or DatabaseConnectionLostException
                || ConnectionProblemClassifier.IsConnectionLimit(current))
            {
                return current;
            }
        }

        return null;
    }
}
