using Npgsql;

namespace Listings.Tests.Infrastructure;

/// <summary>
/// A <see cref="ThrowawayPostgres"/> with <c>pg_stat_statements</c> loaded, so a test counts the statements the server
/// ran (<see cref="CallsAsync"/>), whatever process sent them.
/// </summary>
public sealed class StatementCountingPostgres : ThrowawayPostgres
{
    /// <inheritdoc />
    protected override string Settings => "-c shared_preload_libraries=pg_stat_statements";

    /// <summary>Creates the extension in <paramref name="database"/> and empties its counts.</summary>
    public async Task ResetAsync(string database)
    {
        await using var connection = await Server.OpenAsync(database, CancellationToken.None);
        await using var command = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset();", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>How many times the statements of <paramref name="database"/> whose text contains <paramref name="text"/> ran.</summary>
    public async Task<long> CallsAsync(string database, string text)
    {
        await using var connection = await Server.OpenAsync(database, CancellationToken.None);
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(sum(s.calls), 0)::bigint FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 AND s.query LIKE '%' || $2 || '%'",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        command.Parameters.Add(new NpgsqlParameter { Value = text });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
