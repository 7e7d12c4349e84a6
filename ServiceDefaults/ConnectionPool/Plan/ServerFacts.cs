using Npgsql;

namespace Listings.ServiceDefaults.ConnectionPool;

/// <summary>What the server says about itself.</summary>
/// <param name="Version">The server version.</param>
/// <param name="MaxConnections">The server's <c>max_connections</c>.</param>
/// <param name="ConnectionsInUse">Client connections open on the server, from every service.</param>
public sealed record ServerFacts(string Version, int MaxConnections, int ConnectionsInUse)
{
    /// <summary>How long the server is given to answer at start: a start or a diagnostic must not hang.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    /// <summary>A connection string for one question: unpooled, bounded by <see cref="Patience"/>.</summary>
    internal static string OneShot(string connectionString, string? applicationName = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            MaxAutoPrepare = 0,
            Timeout = (int)Patience.TotalSeconds,
            CommandTimeout = (int)Patience.TotalSeconds,
        };
        if (applicationName is not null)
        {
            builder.ApplicationName = applicationName;
        }

        return builder.ConnectionString;
    }

    /// <summary>Asks the server over one unpooled connection.</summary>
    internal static async Task<ServerFacts> ReadAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(OneShot(target.CreateBuilder().ConnectionString));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT current_setting('server_version'), current_setting('max_connections')::int,"
            + " (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend')",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ServerFacts(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2));
    }
}
