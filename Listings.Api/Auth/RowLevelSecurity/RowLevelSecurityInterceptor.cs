using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Listings.ServiceDefaults.ConnectionPool;
using Npgsql;

namespace Listings.Api.Auth.RowLevelSecurity;

/// <summary>
/// Runs a request's SQL as Supabase's Data API (PostgREST) runs it, so the tables' policies decide: a transaction as
/// <see cref="DatabaseRoles.Authenticated"/> with the token's claims (<see cref="TokenClaims"/>), a statement outside one
/// as <see cref="DatabaseRoles.Anonymous"/>. Both are set for the transaction only (<c>set_config(..., true)</c>): they end
/// with it, behind a transaction pooler too, and never reach the next client of the connection. Work outside a request
/// (migrations, the idempotency-key purge, pool warming) runs as the login.
/// </summary>
/// <remarks>
/// PostgreSQL applies a role's own settings only at login, so <c>SET ROLE</c> does not bring Supabase's per-role
/// <c>statement_timeout</c>; the pool policy's statement limits apply whatever the role.
/// (https://docs.postgrest.org/en/v12/references/transactions.html)
/// </remarks>
/// <param name="http">The request the SQL runs for, if any.</param>
public sealed class RowLevelSecurityInterceptor(IHttpContextAccessor http) : CommandRewriteInterceptor, IDbTransactionInterceptor
{
    /// <summary>
    /// The statement that makes the rest of its implicit transaction (one command's statements, one batch) run as
    /// <see cref="DatabaseRoles.Anonymous"/>: a <c>DO</c> block, so it adds no result set in front of the reader's.
    /// </summary>
    public const string ReadRoleSql = "DO $$BEGIN PERFORM set_config('role', '" + DatabaseRoles.Anonymous + "', true); END$$;";

    // The claims first: set_config('role') takes effect at once, and a policy may read request.jwt.claims.
    private const string TransactionRoleSql = "SELECT set_config('request.jwt.claims', $1, true), set_config('role', $2, true)";

    /// <inheritdoc />
    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        if (RoleCommand(connection, result) is { } command)
        {
            using (command)
            {
                command.ExecuteNonQuery();
            }
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        if (RoleCommand(connection, result) is { } command)
        {
            await using (command)
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        return result;
    }

    /// <inheritdoc />
    /// <remarks>A statement in a transaction runs as the transaction's role: only one on its own gets the read role.</remarks>
    protected override void Rewrite(DbCommand command)
    {
        if (command.Transaction is null && http.HttpContext is not null)
        {
            command.CommandText = ReadRoleSql + command.CommandText;
        }
    }

    private NpgsqlCommand? RoleCommand(DbConnection connection, DbTransaction transaction)
    {
        if (http.HttpContext is not { } context)
        {
            return null;
        }

        var user = context.User;
        var signedIn = user.Identity?.IsAuthenticated == true;
        var command = new NpgsqlCommand(TransactionRoleSql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = signedIn ? TokenClaims.Json(user) : "" });
        command.Parameters.Add(new NpgsqlParameter { Value = signedIn ? DatabaseRoles.Authenticated : DatabaseRoles.Anonymous });
        return command;
    }
}
