using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>
/// Behind a transaction pooler, where start-up options cannot carry the <see cref="StatementLimits"/> and session settings
/// would reach the pooler's next client, puts them in front of every EF Core command for that command's own transaction.
/// </summary>
/// <remarks>
/// Npgsql sends a command's statements as one pipeline ending in a single Sync, which the server runs as one implicit
/// transaction, so the limits hold for the command's statements and end with them. That needs a command Npgsql splits
/// into statements: one with named parameters (<c>@p</c>, as EF Core writes them) or none; the server refuses two
/// statements in one positional prepared statement (42601). SQL written by hand runs <see cref="LimitsSql"/> as a batch
/// command of its own instead.
/// </remarks>
/// <param name="limits">The limits of the plan.</param>
public sealed class StatementLimitsInterceptor(StatementLimits limits) : DbCommandInterceptor
{
    /// <summary>The statement that sets the limits for the current transaction only.</summary>
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
