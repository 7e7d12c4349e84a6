using Microsoft.EntityFrameworkCore.Storage;
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
        RetryLimitExceededException? retriesSpent = null;
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { IsTransient: true } or TimeoutException or DatabaseConnectionLostException
                || IsConnectionLimit(current))
            {
                return current;
            }

            retriesSpent ??= current as RetryLimitExceededException;
        }

        // The retrying strategy gives up only after failures it judged transient: the last of them is the cause.
        return retriesSpent is null ? null : retriesSpent.InnerException ?? retriesSpent;
    }

    /// <summary>
    /// True for the server or pooler saying it has no room for another client: PostgreSQL's 53300
    /// (too_many_connections) and Supavisor's limits, which arrive as XX000 with their code in the text
    /// (EMAXCONNSESSION "max clients reached in session mode", EMAXCONN, ECHECKOUTTIMEOUT). Npgsql does not count
    /// them as transient, yet they pass like saturation does: the client should retry, not see a 500.
    /// </summary>
    public static bool IsConnectionLimit(Exception exception) => exception is PostgresException postgres
        && (postgres.SqlState == PostgresErrorCodes.TooManyConnections
            || (postgres.SqlState == PostgresErrorCodes.InternalError
                && (postgres.MessageText.Contains("max clients reached", StringComparison.OrdinalIgnoreCase)
                    || postgres.MessageText.Contains("EMAXCONN", StringComparison.Ordinal)
                    || postgres.MessageText.Contains("unable to check out connection", StringComparison.OrdinalIgnoreCase))));
}
