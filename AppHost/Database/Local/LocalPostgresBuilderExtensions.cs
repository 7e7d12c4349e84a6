using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Listings.AppHost.Database.Local;

/// <summary>Adds a PostgreSQL server run from this machine's binaries, and databases on it.</summary>
public static class LocalPostgresBuilderExtensions
{
    /// <summary>The configuration key for the server's <c>max_connections</c>.</summary>
    public const string MaxConnectionsKey = "Database:Local:MaxConnections";

    /// <summary>
    /// The default <c>max_connections</c>: Supabase's on Nano and Micro (https://supabase.com/docs/guides/platform/compute-add-ons),
    /// so a pool plan that would overrun production overruns here first.
    /// </summary>
    public const int DefaultMaxConnections = 60;

    private static readonly string ScriptPath = Path.Combine(AppContext.BaseDirectory, "Database", "Local", "run-postgres.sh");
    private static readonly string PgBouncerScriptPath = Path.Combine(AppContext.BaseDirectory, "Database", "Local", "run-pgbouncer.sh");

    /// <summary>
    /// Adds a PostgreSQL server started from <paramref name="binaries"/>: <c>initdb</c> on first run into a persistent
    /// <see cref="LocalPostgresDirectory"/>, a generated password, 127.0.0.1 at an allocated port, healthy once it accepts
    /// connections. Never in a deployment manifest.
    /// </summary>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, PostgresBinaries binaries)
    {
        var directory = LocalPostgresDirectory.Prepare(builder.Configuration[LocalPostgresDirectory.DirectoryKey], binaries.MajorVersion);
        var password = builder.AddParameter($"{name}-password", directory.ReadOrCreatePassword(), secret: true);
        var maxConnections = ReadMaxConnections(builder);

        var server = new LocalPostgresServerResource(name, "bash", directory, binaries, maxConnections, password.Resource);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, ct) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (@event, _) =>
            await PublishDatabaseStateAsync(@event.Services, server, KnownResourceStates.Starting).ConfigureAwait(false));

        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (@event, ct) =>
        {
            await CreateDatabasesAsync(server, connectionString!, ct).ConfigureAwait(false);
            await PublishDatabaseStateAsync(@event.Services, server, KnownResourceStates.Running).ConfigureAwait(false);
        });

        builder.Eventing.Subscribe<ResourceStoppedEvent>(server, async (@event, _) =>
            await PublishDatabaseStateAsync(@event.Services, server, KnownResourceStates.Finished).ConfigureAwait(false));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddCheck(healthCheckKey, new LocalPostgresHealthCheck(
            directory.DataDirectory,
            () => ServerConnectionString(connectionString ?? throw new InvalidOperationException("The connection string is not available yet."))));

        return builder.AddResource(server)
            .WithArgs(ScriptPath)
            .WithEndpoint(name: LocalPostgresServerResource.EndpointName, scheme: "tcp", env: "PGPORT", isProxied: false)
            .WithEnvironment("PG_BIN", binaries.BinDirectory)
            .WithEnvironment("PGDATA", directory.DataDirectory)
            .WithEnvironment("LISTINGS_PG_PASSWORD", password)
            .WithEnvironment("LISTINGS_PG_MAX_CONNECTIONS", maxConnections.ToString(CultureInfo.InvariantCulture))
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>Adds a database, created once the server accepts connections; healthy once it answers.</summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresServerResource> builder, [ResourceName] string name, string databaseName)
    {
        var database = new LocalPostgresDatabaseResource(name, databaseName, builder.Resource);
        builder.Resource.Databases.Add(database);

        string? connectionString = null;
        builder.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, ct) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        var healthCheckKey = $"{name}_check";
        builder.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException("The connection string is not available yet."),
            name: healthCheckKey);

        return builder.ApplicationBuilder.AddResource(database)
            .WithIconName("Database")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>
    /// Adds a PgBouncer in transaction mode in front of <paramref name="database"/>, started once the database answers,
    /// configured in the local folder's <c>pgbouncer/</c>, healthy once it reaches the database. Never in a deployment manifest.
    /// </summary>
    public static IResourceBuilder<LocalPgBouncerResource> AddLocalPgBouncer(
        this IResourceBuilder<LocalPostgresDatabaseResource> database, [ResourceName] string name, string pgBouncerPath)
    {
        var server = database.Resource.Parent;
        var pgBouncer = new LocalPgBouncerResource(name, "bash", server.WorkingDirectory, database.Resource);

        string? connectionString = null;
        database.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(pgBouncer, async (_, ct) =>
            connectionString = await pgBouncer.ConnectionStringExpression.GetValueAsync(ct).ConfigureAwait(false));

        var healthCheckKey = $"{name}_check";
        database.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException("The connection string is not available yet."),
            name: healthCheckKey);

        return database.ApplicationBuilder.AddResource(pgBouncer)
            .WithArgs(PgBouncerScriptPath)
            .WithEndpoint(name: LocalPgBouncerResource.EndpointName, scheme: "tcp", env: "PGBOUNCER_PORT", isProxied: false)
            .WithEnvironment("PGBOUNCER", pgBouncerPath)
            .WithEnvironment("PGBOUNCER_DIR", Path.Combine(server.WorkingDirectory, "pgbouncer"))
            .WithEnvironment("PG_PORT", server.Endpoint.Property(EndpointProperty.Port))
            .WithEnvironment("PG_DATABASE", database.Resource.DatabaseName)
            .WithEnvironment("PG_USER", LocalPostgresServerResource.UserName)
            .WithEnvironment("PG_PASSWORD", server.Password)
            .WithIconName("ArrowSplit")
            .WithReferenceRelationship(database.Resource)
            .WaitFor(database)
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    private static int ReadMaxConnections(IDistributedApplicationBuilder builder)
    {
        var value = builder.Configuration[MaxConnectionsKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return DefaultMaxConnections;
        }

        // PostgreSQL reserves 3 superuser slots by default; fewer than 10 leaves the API almost nothing.
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var maxConnections) || maxConnections is < 10 or > 10_000)
        {
            throw new DatabaseUnavailableException(
                $"{MaxConnectionsKey} is '{value}': use a whole number from 10 to 10000 (default {DefaultMaxConnections}).",
                listFixes: false);
        }

        return maxConnections;
    }

    // The server's own connection string names no database; Npgsql would then pick one named after the user.
    private static string ServerConnectionString(string connectionString) => connectionString + ";Database=postgres";

    /// <summary>
    /// Aspire mirrors a container's state onto its databases, not an executable's: without this they never leave their
    /// initial state or run their health checks, and whatever waits for them waits forever.
    /// </summary>
    private static async Task PublishDatabaseStateAsync(IServiceProvider services, LocalPostgresServerResource server, string state)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        foreach (var database in server.Databases)
        {
            await notifications.PublishUpdateAsync(database, snapshot => snapshot with
            {
                State = state,
                StartTimeStamp = state == KnownResourceStates.Running ? DateTime.UtcNow : snapshot.StartTimeStamp,
                StopTimeStamp = state == KnownResourceStates.Finished ? DateTime.UtcNow : null,
            }).ConfigureAwait(false);
        }
    }

    private static async Task CreateDatabasesAsync(LocalPostgresServerResource server, string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString(connectionString));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        foreach (var databaseName in server.Databases.Select(database => database.DatabaseName))
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
            {
                Parameters = { new() { Value = databaseName } },
            };

            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }

            var quotedName = "\"" + databaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quotedName}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
