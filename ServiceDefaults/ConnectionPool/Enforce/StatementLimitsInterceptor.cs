using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Puts <c>SET LOCAL</c> of the <see cref="StatementLimits"/> in front of every command where start-up options cannot
/// carry them: behind a transaction pooler. (Migrations and the seed never run there: the migration runner refuses a
/// transaction pooler and sets its longer limits for its own session.)
/// </summary>
/// <remarks>
/// Npgsql sends a command's statements as one pipeline ending in a single Sync, which the server runs as one implicit
/// transaction, so the <c>SET LOCAL</c> holds for the command's own statements even outside an explicit transaction,
/// and ends with it: nothing reaches the pooler's next client. That needs a command Npgsql splits into statements: one
/// with named parameters (<c>@p</c>) or none. SQL with positional parameters (<c>$1</c>) goes to the server as written,
/// and the server refuses two statements in one prepared statement (42601); a command that writes its own SQL looks for
/// this interceptor among the context's and names its parameters when it is there.
/// </remarks>
public sealed class StatementLimitsInterceptor : DbCommandInterceptor
{
    private readonly RunningConnectionPlan _running;

    internal StatementLimitsInterceptor(RunningConnectionPlan running) => _running = running;

    /// <inheritdoc />
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Limit(command);
        return result;
    }

    /// <inheritdoc />
    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Limit(command);
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc />
    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Limit(command);
        return result;
    }

    /// <inheritdoc />
    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Limit(command);
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc />
    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Limit(command);
        return result;
    }

    /// <inheritdoc />
    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Limit(command);
        return ValueTask.FromResult(result);
    }

    private void Limit(DbCommand command)
    {
        // Registered behind a transaction pooler only; the current plan, as the server's limit remade it.
        if (_running.Plan.Limits is { } limits)
        {
            command.CommandText = limits.ToSetLocal() + command.CommandText;
        }
    }
}
