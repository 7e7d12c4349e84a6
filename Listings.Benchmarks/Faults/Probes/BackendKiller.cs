using Npgsql;

namespace Listings.Benchmarks.Faults.Probes;

/// <summary>
/// Ends the API's server connections from the server side, as a pooler restart, an idle-session reaper or an operator
/// would: <c>pg_terminate_backend</c> on every <c>pg_stat_activity</c> row of the API's database whose
/// <c>application_name</c> is the API's, never its own.
/// </summary>
public sealed class BackendKiller : IAsyncDisposable
{
    /// <summary>The <c>Application Name</c> the API's pool sets (the service's own name).</summary>
    public const string ApiApplicationName = "Listings.Api";

    private const string Sql = """
        SELECT count(*)::int, count(*) FILTER (WHERE state = 'active')::int
        FROM (SELECT state, pg_terminate_backend(pid) AS ended
              FROM pg_stat_activity
              WHERE datname = @database AND application_name = @application AND pid <> pg_backend_pid()) AS killed
        WHERE ended
        """;

    private readonly NpgsqlConnection _connection;
    private readonly string _database;

    private BackendKiller(NpgsqlConnection connection, string database)
    {
        _connection = connection;
        _database = database;
    }

    /// <summary>Opens the killer's own connection (to another database, so it never matches its own filter).</summary>
    /// <param name="server">The server.</param>
    /// <param name="database">The API's database.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    public static async Task<BackendKiller> OpenAsync(PostgresServer server, string database, CancellationToken cancellationToken) =>
        new(await server.OpenAsync("postgres", cancellationToken), database);

    /// <summary>Ends the API's server connections now.</summary>
    /// <param name="clock">The scenario's clock.</param>
    /// <param name="cancellationToken">Cancels the round.</param>
    public async Task<KillRound> KillAsync(FaultClock clock, CancellationToken cancellationToken)
    {
        var at = clock.Now;
        await using var command = new NpgsqlCommand(Sql, _connection);
        command.Parameters.AddWithValue("database", _database);
        command.Parameters.AddWithValue("application", ApiApplicationName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new KillRound(at, reader.GetInt32(0), reader.GetInt32(1));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
