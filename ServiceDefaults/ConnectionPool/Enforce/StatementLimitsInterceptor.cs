using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Behind a transaction pooler, puts the <see cref="StatementLimits"/> in front of every EF Core command, for its own
/// transaction.
/// </summary>
/// <remarks>
/// Npgsql sends a command's statements ending in a single Sync, which the server runs as one implicit transaction, so
/// the limits end with the command. That needs a command Npgsql splits into statements, one with named parameters
/// (<c>@p</c>, as EF Core writes them) or none: the server refuses two statements in one positional prepared statement
/// (42601). Hand-written SQL runs <see cref="LimitsSql"/> as a batch command of its own instead.
/// </remarks>
public sealed class StatementLimitsInterceptor(StatementLimits limits) : DbCommandInterceptor
{
    /// <summary>The statement that sets the limits for the current transaction.</summary>
    public string LimitsSql { get; } = limits.ToSetLocal();

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

    private void Limit(DbCommand command) => command.CommandText = LimitsSql + command.CommandText;
}
