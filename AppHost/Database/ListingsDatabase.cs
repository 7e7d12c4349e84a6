using Listings.AppHost.Database.Local;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Listings.AppHost.Database;

/// <summary>
/// Adds the one database resource the API depends on, <c>listingsdb</c>, whatever serves it: an external connection
/// string, the PostgreSQL container, or a PostgreSQL server started from this machine's binaries.
/// </summary>
public static class ListingsDatabase
{
    /// <summary>The resource name, and so the connection string name the API reads.</summary>
    public const string ResourceName = "listingsdb";

    /// <summary>The database name inside the server in local and container modes.</summary>
    public const string DatabaseName = "listings";

    /// <summary>
    /// Chooses what serves <c>listingsdb</c> (see <see cref="DatabaseMode"/>; <c>Database:Mode</c> overrides) and adds it.
    /// </summary>
    /// <exception cref="DatabaseUnavailableException">Nothing can serve the database; the message lists the fixes.</exception>
    public static IResourceBuilder<IResourceWithConnectionString> AddListingsDatabase(this IDistributedApplicationBuilder builder)
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

        return mode switch
        {
            DatabaseMode.External => builder.AddConnectionString(ResourceName),
            DatabaseMode.Container => builder.AddContainerDatabase(),
            DatabaseMode.Local => builder.AddLocalPostgres("postgres", binaries.Value!)
                .AddDatabase(ResourceName, DatabaseName),
            _ => throw new InvalidOperationException($"Unexpected database mode {mode}."),
        };
    }

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
