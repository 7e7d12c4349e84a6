using System.Data.Common;

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
public sealed class StatementLimitsInterceptor(StatementLimits limits) : CommandRewriteInterceptor
{
    /// <summary>The statement that sets the limits for the current transaction.</summary>
    public string LimitsSql { get; } = limits.ToSetLocal();

    /// <inheritdoc />
    protected override void Rewrite(DbCommand command) => command.CommandText = LimitsSql + command.CommandText;
}
