using System.Globalization;
using Listings.AppHost.Database.External;
using Listings.AppHost.Database.Local;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Listings.AppHost.Database;

/// <summary>Adds <c>listingsdb</c>, the one database resource the API depends on, whatever serves it.</summary>
public static class ListingsDatabase
{
    /// <summary>The resource name, and so the connection string name the API reads.</summary>
    public const string ResourceName = "listingsdb";

    /// <summary>The database name inside the server in local and container modes.</summary>
    public const string DatabaseName = "listings";

    /// <summary>The resource name of the connection string kept for migrations, when the AppHost is given one.</summary>
    public const string MigrationsResourceName = ResourceName + "-migrations";

    /// <summary>
    /// The resource name of the read side, and so the connection string name the API reads its public reads through:
    /// the local standbys, or an external read replica's connection string.
    /// </summary>
    public const string ReadResourceName = ResourceName + "-read";

    /// <summary>The configuration key for the number of local read replicas (streaming standbys); 0, the default, for none.</summary>
    public const string ReadReplicasKey = "Database:ReadReplicas";

    /// <summary>The resource name of the local PgBouncer.</summary>
    public const string PgBouncerResourceName = "pgbouncer";

    /// <summary>The configuration key that puts a pooler in front of the local server: <c>none</c> (default) or <c>pgbouncer</c>.</summary>
    public const string PoolerKey = "Database:Pooler";

    /// <summary>Chooses what serves <c>listingsdb</c> (<see cref="DatabaseMode"/>) and adds it.</summary>
    /// <exception cref="DatabaseUnavailableException">Nothing can serve the database; the message lists the fixes.</exception>
    public static ListingsDatabaseResources AddListingsDatabase(this IDistributedApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var binaries = new Lazy<PostgresBinaries?>(() => PostgresBinaries.Find(configuration[DatabaseModeSelector.BinDirectoryKey]));

        var mode = DatabaseModeSelector.Select(
            DatabaseModeSelector.ParseMode(configuration[DatabaseModeSelector.ModeKey]),
            builder.ExecutionContext.IsPublishMode,
            hasConnectionString: !string.IsNullOrWhiteSpace(configuration[DatabaseModeSelector.ConnectionStringKey]),
            containerRuntimeAvailable: () => ContainerRuntimeProbe.IsAvailable(configuration["ASPIRE_CONTAINER_RUNTIME"]),
            localBinariesFound: () => binaries.Value is not null);

        LogChoice(builder, mode, binaries);
        var pgBouncer = UsesPgBouncer(builder, mode);
        var readReplicas = ReadReplicaCount(builder, mode);

        var migrations = !string.IsNullOrWhiteSpace(configuration[$"ConnectionStrings:{MigrationsResourceName}"])
            ? builder.AddConnectionString(MigrationsResourceName)
            : null;

        switch (mode)
        {
            case DatabaseMode.External:
                var external = builder.AddConnectionString(ResourceName).WithExternalDatabaseHealth();
                return new(mode, external, external, migrations, null) { Read = AddExternalRead(builder) };
            case DatabaseMode.Container:
                var container = builder.AddContainerDatabase();
                return new(mode, container, container, migrations, null);
            case DatabaseMode.Local:
                var server = builder.AddLocalPostgres("postgres", binaries.Value!);
                var database = server.AddDatabase(ResourceName, DatabaseName);
                IResourceBuilder<IResourceWithConnectionString> service = pgBouncer
                    ? database.AddLocalPgBouncer(PgBouncerResourceName, PgBouncerBinary.Find(configuration[PgBouncerBinary.PathKey]))
                    : database;
                return new(mode, database, service, migrations, server)
                {
                    Read = readReplicas > 0 ? database.AddLocalReadReplicas(ReadResourceName, readReplicas) : null,
                };
            default:
                throw new InvalidOperationException($"Unexpected database mode {mode}.");
        }
    }

    private static bool UsesPgBouncer(IDistributedApplicationBuilder builder, DatabaseMode mode)
    {
        var pooler = builder.Configuration[PoolerKey];
        if (string.IsNullOrWhiteSpace(pooler) || string.Equals(pooler, "none", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!string.Equals(pooler, "pgbouncer", StringComparison.OrdinalIgnoreCase))
        {
            throw new DatabaseUnavailableException($"{PoolerKey} is '{pooler}': use none or pgbouncer.", listFixes: false);
        }

        // A deployment brings its own pooler (Supabase's): the local one is for runs on this machine only.
        if (builder.ExecutionContext.IsPublishMode)
        {
            return false;
        }

        return mode == DatabaseMode.Local ? true : throw new DatabaseUnavailableException(
            $"{PoolerKey} is 'pgbouncer', which runs in front of the local server only, but the database is served in"
            + $" {mode.ToString().ToLowerInvariant()} mode: add --{DatabaseModeSelector.ModeKey}=local.",
            listFixes: false);
    }

    /// <summary>
    /// Parses <see cref="ReadReplicasKey"/>: the number of local standbys to start, 0 in publish mode (a deployment gives
    /// its replica as <c>ConnectionStrings:listingsdb-read</c>).
    /// </summary>
    private static int ReadReplicaCount(IDistributedApplicationBuilder builder, DatabaseMode mode)
    {
        var value = builder.Configuration[ReadReplicasKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return 0;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > LocalReadReplicaBuilderExtensions.MaxReadReplicas)
        {
            throw new DatabaseUnavailableException(
                $"{ReadReplicasKey} is '{value}': use a whole number from 0 to {LocalReadReplicaBuilderExtensions.MaxReadReplicas}"
                + " (default 0), the number of read replicas to start beside the local server.",
                listFixes: false);
        }

        if (count == 0 || builder.ExecutionContext.IsPublishMode)
        {
            return 0;
        }

        // Standbys are cloned from the local server's own cluster; a container's or an external database's replicas are
        // that platform's to run.
        return mode == DatabaseMode.Local ? count : throw new DatabaseUnavailableException(
            $"{ReadReplicasKey} is '{value}', but read replicas are started beside the local server only, and the database is"
            + $" served in {mode.ToString().ToLowerInvariant()} mode: add --{DatabaseModeSelector.ModeKey}=local, or give the"
            + $" AppHost an existing replica's connection string as ConnectionStrings:{ReadResourceName} in external mode.",
            listFixes: false);
    }

    /// <summary>
    /// The external read replica (e.g. a Supabase read replica), when the AppHost is given its connection string; its
    /// manifest input is then secret and has no default, like <c>listingsdb</c>'s. Without it the manifest says nothing
    /// about it: the format has no optional input (an input has a default or the deployment must supply it), and an
    /// empty default would hand every deployment an empty <c>ConnectionStrings:listingsdb-read</c> instead of none.
    /// </summary>
    private static IResourceBuilder<IResourceWithConnectionString>? AddExternalRead(IDistributedApplicationBuilder builder) =>
        string.IsNullOrWhiteSpace(builder.Configuration[$"ConnectionStrings:{ReadResourceName}"])
            ? null
            : builder.AddConnectionString(ReadResourceName);

    private static IResourceBuilder<IResourceWithConnectionString> AddContainerDatabase(this IDistributedApplicationBuilder builder)
    {
        var server = builder.AddPostgres("postgres").WithDataVolume();

        if (builder.ExecutionContext.IsRunMode)
        {
            server.WithPgAdmin();
        }

        return server.AddDatabase(ResourceName, DatabaseName);
    }

    private static void LogChoice(IDistributedApplicationBuilder builder, DatabaseMode mode, Lazy<PostgresBinaries?> binaries)
    {
        // The choice is made before the app has a logger; say it once the app starts, where a user looks first.
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ListingsDatabase).FullName!);

            if (mode == DatabaseMode.Local)
            {
                logger.LogInformation(
                    "Database {Resource} is served by the local PostgreSQL {Version} server from {BinDirectory}",
                    ResourceName, binaries.Value!.MajorVersion, binaries.Value.BinDirectory);
            }
            else
            {
                logger.LogInformation("Database {Resource} is served in {Mode} mode", ResourceName, mode.ToString().ToLowerInvariant());
            }

            return Task.CompletedTask;
        });
    }
}
